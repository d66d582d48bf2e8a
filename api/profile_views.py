"""The profile page: a signed-in person's API tokens, made and revoked by themselves."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from api import selectors, services
from api.forms import TokenForm
from wellbeing.access import memberships_for, signed_in_view


def _page(request: HttpRequest, *, form: TokenForm, new_token: str = "", status: int = 200) -> HttpResponse:
    context = {
        "form": form,
        "tokens": selectors.tokens_for_user(user=request.user),
        "new_token": new_token,
        "memberships": memberships_for(request.user),
        "token_limit": services.TOKEN_LIMIT,
    }
    return render(request, "api/profile.html", context, status=status)


@signed_in_view()
def profile(request: HttpRequest) -> HttpResponse:
    return _page(request, form=TokenForm())


@signed_in_view(methods=("POST",))
@never_cache  # the page shows the new token: no copy may be kept by a cache or the back button
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form=form)
    try:
        _, secret = services.token_create(
            user=request.user, name=form.cleaned_data["name"], expires_in_days=form.cleaned_data["expires_in"]
        )
    except services.TokenLimitReached as error:
        form.add_error(None, error.message)
        return _page(request, form=form)
    # Shown in this response only, never stored or redirected through the session.
    return _page(request, form=TokenForm(), new_token=secret)


@signed_in_view(methods=("POST",))
def token_revoke(request: HttpRequest) -> HttpResponse:
    revoked = services.token_revoke(user=request.user, digest=request.POST.get("token", ""))
    if revoked is None:
        messages.info(request, "That token had already been revoked or had expired.")
    else:
        messages.success(request, f"The token ‘{revoked.name}’ was revoked: it no longer works.")
    return redirect("profile")
