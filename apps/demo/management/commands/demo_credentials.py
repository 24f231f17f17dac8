import json

from django.core.management.base import BaseCommand

from apps.demo.registry import credentials_all


class Command(BaseCommand):
    help = "Prints the demo's URLs and logins."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="one JSON object")

    def handle(self, *args, **opts):
        creds = credentials_all()
        if opts["json"]:
            self.stdout.write(json.dumps(creds, indent=2))
            return
        platform = creds.get("platform") or {}
        if platform:
            self.stdout.write(f"Platform admin   {platform['url']}  {platform['email']} / {platform['password']}")
        for schema, info in creds["distributors"].items():
            self.stdout.write(f"{info['name']} ({schema})  {info['url']}/")
            staff = info.get("staff")
            if staff:
                self.stdout.write(f"    staff     {staff['email']} / {staff['password']}")
            for rm in info.get("relationship_managers", []):
                self.stdout.write(f"    RM        {rm['email']} / {rm['password']}  ({rm['name']})")
            investor = info.get("investor")
            if investor:
                self.stdout.write(
                    f"    investor  {investor.get('email') or investor.get('mobile')} / "
                    f"{investor.get('password', '(OTP)')}"
                )
            app = info.get("mobile_app")
            if app:
                self.stdout.write(f"    app       client_id={app['client_id']} redirect_uri={app['redirect_uri']}")
