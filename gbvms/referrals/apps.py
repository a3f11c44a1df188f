from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "gbvms.referrals"
    label = "referrals"
    verbose_name = "Chuyển gửi"

    def ready(self) -> None:
        from gbvms.core import demo, scoping
        from gbvms.referrals.demo import demo_lines
        from gbvms.referrals.models import HelpReply, HelpRequest, Referral, ServiceProvider
        from gbvms.referrals.selectors import help_request_need_to_know, referral_need_to_know

        # a referral: the sending side through its case, the receiving provider's staff through
        # need-to-know (referrals.receive); a help request: the inbox of the agency it was
        # routed to (cases.intake); a reply: with its request
        scoping.register(
            Referral,
            via="case",
            need_to_know=referral_need_to_know,
            permissions={"cases.view", "cases.edit", "cases.supervise", "referrals.receive"},
        )
        scoping.register(
            HelpRequest, need_to_know=help_request_need_to_know, permissions={"cases.intake"}
        )
        scoping.register(HelpReply, via="request", permissions={"cases.intake"})
        # the directory is public; a provider's whole record (internal contacts, beds, import
        # and export) is managed with orgs.manage over its agency
        scoping.register(
            ServiceProvider, unit_path="agency__unit__path", permissions={"orgs.manage"}
        )
        demo.register("referrals", demo_lines)
