from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "gbvms.referrals"
    label = "referrals"
    verbose_name = "Chuyển gửi"

    def ready(self) -> None:
        from gbvms.core import demo
        from gbvms.referrals.demo import demo_lines

        demo.register("referrals", demo_lines)
