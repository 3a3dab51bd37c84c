"""`python -m tests.browser.served_world`: the shared test world in the database that
`DATABASE_URL` names, for an app served by gunicorn; prints the ids the tests need as JSON."""

import json

import django


def main() -> None:
    django.setup()
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from salespipe.test import make_opportunity, make_world

    w = make_world()
    # Signed in a month the calendar shows, with what every open stage asks: winning asks
    # only for the won stage.
    signature = timezone.localdate().replace(day=1) + dt.timedelta(days=40)
    deals = {
        name: make_opportunity(
            w.portfolio_a,
            account=w.account_a,
            contact=w.contact_a,
            name=name,
            amount=Decimal("1000"),
            expected_signature_date=signature,
        ).pk
        for name in ("Live move", "Live win", "Live delete")
    }
    print(
        json.dumps(
            {
                "portfolio": w.portfolio_a.pk,
                "account": w.account_a.pk,
                "qualification": w.qualification.pk,
                "discovery": w.discovery.pk,
                "deals": deals,
            }
        )
    )


if __name__ == "__main__":
    main()
