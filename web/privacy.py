"""placeholder: data-subject export and retention purge (admin)"""
from flask import Blueprint

blueprint = Blueprint("privacy", __name__, url_prefix="/data-pribadi")
