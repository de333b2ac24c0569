"""placeholder: the auditors' home and case pages"""


from web.audit import AUDITORS, blueprint
from web.security import roles_required


@blueprint.get("/")
@roles_required(*AUDITORS)
def home():
    return "placeholder"
