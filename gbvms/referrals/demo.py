def demo_lines(options: dict[str, object]) -> list[str]:
    from gbvms.referrals.services_directory import demo_directory_load

    created = demo_directory_load()
    return [f"demo: {created} service providers in the directory"]
