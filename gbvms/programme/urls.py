"""URLs of the programme pages: each part keeps its own list (``urls_*.py``)."""

from gbvms.programme import urls_delivery, urls_events, urls_evidence, urls_xlsx

app_name = "programme"
urlpatterns = [
    *urls_events.urlpatterns,
    *urls_delivery.urlpatterns,
    *urls_evidence.urlpatterns,
    *urls_xlsx.urlpatterns,
]
