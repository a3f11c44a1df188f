from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "gbvms.indicators"
    label = "indicators"
    verbose_name = "Chỉ tiêu"
