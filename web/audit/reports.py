"""placeholder: the SLA and SKM reports"""


from web.audit import REPORT_READERS, blueprint
from web.security import roles_required


@blueprint.get("/laporan")
@roles_required(*REPORT_READERS)
def reports():
    return "placeholder"
