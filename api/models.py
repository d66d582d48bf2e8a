"""Personal API tokens. Knox stores only a hash of each token; this model adds the name the person
gives it ("Power BI on my laptop"), so the profile page can say which token is which when they
have several and want to revoke one. It is knox's own token model (settings.KNOX_TOKEN_MODEL)."""

from django.db import models
from knox.models import AbstractAuthToken


class ApiToken(AbstractAuthToken):
    name = models.CharField(max_length=100, help_text="What the token is for, so you can tell your tokens apart.")

    class Meta:
        ordering = ["-created"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.token_key}…)"
