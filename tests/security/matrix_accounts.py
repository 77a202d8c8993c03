"""Permission-matrix entries of accounts: sign-up, log-in, password reset, the second
factor (public, with bogus tokens), the admin's log-in sent to the site's own, and
``GET /api/me``."""

from __future__ import annotations

from tests.security.matrix_kit import (
    HOME,
    LOGGED_IN,
    PUBLIC,
    TO_2FA_VERIFY,
    TO_SITE_LOGIN,
    WORKBENCH,
    Op,
    Page,
    Redirect,
    api_row,
    row,
)

ENTRIES: dict[str, Page | Op] = {
    "accounts:signup": Page(get=PUBLIC, post=PUBLIC),  # an empty form is shown again
    "accounts:verify": Page(
        get=row(Redirect("/accounts/login/", exact=True), anonymous=Redirect("/accounts/login/")),
        kwargs={"token": "not-a-token"},
    ),
    # Same answer for everyone: back to the log-in page with a notice.
    "accounts:resend_verification": Page(
        get=row(405, anonymous=405),
        post=row(Redirect("/accounts/login/", exact=True), anonymous=Redirect("/accounts/login/")),
    ),
    "accounts:login": Page(get=row(WORKBENCH, anonymous=200), post=row(WORKBENCH, anonymous=200)),
    "accounts:logout": Page(
        get=row(405, anonymous=405), post=row(HOME, anonymous=HOME), fresh_client=True
    ),
    # The admin's own login form is replaced by the site's throttled one.
    "admin_login": Page(
        get=row(TO_SITE_LOGIN, anonymous=TO_SITE_LOGIN),
        post=row(TO_SITE_LOGIN, anonymous=TO_SITE_LOGIN),
    ),
    "accounts:password_reset": Page(get=PUBLIC, post=PUBLIC),
    "accounts:password_reset_done": Page(get=PUBLIC),
    "accounts:password_reset_confirm": Page(get=PUBLIC, kwargs={"token": "bad-token"}),
    "accounts:password_reset_complete": Page(get=PUBLIC),
    # Anyone may add a second factor; staff and guide already have one (their sessions are
    # verified), so setting up again sends them to the code page.
    "accounts:2fa_setup": Page(
        get=row(200, staff=TO_2FA_VERIFY, guide=TO_2FA_VERIFY),
        post=row(200, staff=TO_2FA_VERIFY, guide=TO_2FA_VERIFY),
    ),
    "accounts:2fa_verify": Page(get=LOGGED_IN, post=LOGGED_IN),  # an empty code: form again
    "GET /api/me": Op(api_row(200)),
}
