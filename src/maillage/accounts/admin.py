"""The Django admin for accounts: e-mail users, and disabling accounts through the service."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import User
from .services import user_deactivate


def _clean_email(form):
    email = form.cleaned_data["email"].strip().lower()
    duplicates = User.objects.filter(email__iexact=email).exclude(pk=form.instance.pk)
    if duplicates.exists():
        raise ValidationError(_("An account already uses this e-mail address."))
    return email


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")

    clean_email = _clean_email


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    clean_email = _clean_email


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name", "language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = ("email", "full_name", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser")
    search_fields = ("email", "full_name")
    ordering = ("email",)
    actions = ["deactivate_users"]

    @admin.action(description=_("Disable the selected accounts"), permissions=["change"])
    def deactivate_users(self, request, queryset):
        count = 0
        for user in queryset.filter(is_active=True):
            if user.pk == request.user.pk:
                self.message_user(
                    request, _("You cannot disable your own account."), messages.WARNING
                )
                continue
            user_deactivate(user=user, by=request.user, request=request)
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d account disabled; its sessions are closed.",
                "%(count)d accounts disabled; their sessions are closed.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def save_model(self, request, obj, form, change):
        # Unticking "active" goes through the service too, so that open sessions close at once.
        deactivating = change and "is_active" in form.changed_data and not obj.is_active
        if deactivating:
            obj.is_active = True
        super().save_model(request, obj, form, change)
        if deactivating:
            user_deactivate(user=obj, by=request.user, request=request)
