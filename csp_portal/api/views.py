"""Your account's personal access tokens: list, create (the secret shown once) and revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from csp_portal.pages import one_or_404

from . import services
from .forms import TokenForm
from .queries import tokens_of


@login_required
def token_list(request):
    """The person's tokens and a form to make one; a new token's secret is shown once, here, and never again."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, secret = services.create_token(actor=request.user, name=form.cleaned_data["name"])
        return render(request, "api/token_created.html", {"token": token, "secret": secret})
    return render(request, "api/token_list.html", {"tokens": list(tokens_of(request.user)), "form": form})


@login_required
def token_revoke(request, pk: int):
    """Ask before revoking one of one's own tokens (another person's is not found: 404)."""
    token = one_or_404(tokens_of(request.user), "token", pk=pk)
    if request.method == "POST":
        services.revoke_token(token, actor=request.user)
        messages.success(request, f"The token '{token.name}' is revoked: tools using it can no longer read the data.")
        return redirect("access_tokens")
    return render(request, "api/token_revoke.html", {"token": token})
