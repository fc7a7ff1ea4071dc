"""The admin, scoped: a city manager sees, picks and changes only what belongs to their municipalities.

Why scope the admin rather than replace it with pages of our own: the map already is the product's page
for units; owners, listings, photos and centre outlines have no other editing page, and the admin's
forms give validation, history and the Leaflet widgets for free. What made the admin unsafe were four
holes, each closed here in one place for every model:

- lists and objects: `get_queryset` limited by `access.editable_by` (analysts read everything their
  Django permissions allow, as before);
- every foreign key and many-to-many field, including inlines: the form field's queryset is limited
  by the same rule, so a posted foreign id is refused by the form's own validation, not hidden by a
  widget; raw-id widgets (which render the label of any id they are given) are not used for city
  managers: autocomplete widgets render only values from the limited queryset;
- fields that are never a city manager's (user accounts): left out of their forms;
- writes: the model admins call the same services as the map (see units/listings/owners admin).
"""

from django.contrib.admin import widgets as admin_widgets
from django.core.exceptions import PermissionDenied

from registry.accounts import access


class ScopedAdminMixin:
    """For ModelAdmin and InlineModelAdmin alike."""

    # Fields only a superuser sees and posts (e.g. the owner's user account).
    admin_only_fields = ()
    # Personal data and who-edited-what: hidden from everyone but admins and the own city manager.
    private_fields = ()
    # Analysts read these records (units, centres) by their Django permissions; other models not at all.
    analyst_reads = False

    def _is_admin(self, request):
        return access.is_admin(request.user)

    def _hidden(self, request):
        return access.admin_hidden_fields(request.user, self.admin_only_fields, self.private_fields)

    def get_queryset(self, request):
        return access.admin_rows(request.user, super().get_queryset(request), self.analyst_reads)

    def history_view(self, request, object_id, extra_context=None):
        # "Who edited what" is private: only for records the user may change (centres of other towns are
        # readable, their history is not).
        if not access.editable_by(request.user, self.model._default_manager.filter(pk=object_id)).exists():
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not self._is_admin(request) and db_field.name in self.raw_id_fields:
            # The raw-id widget shows the name behind any id posted to it: no raw ids for city managers.
            kwargs["widget"] = admin_widgets.AutocompleteSelect(db_field, self.admin_site)
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None:
            field.queryset = access.editable_by(request.user, field.queryset)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None:
            field.queryset = access.editable_by(request.user, field.queryset)
        return field

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or ())
        return exclude + sorted(self._hidden(request) - set(exclude))

    def get_fields(self, request, obj=None):
        hidden = self._hidden(request)
        return [name for name in super().get_fields(request, obj) if name not in hidden]

    def get_readonly_fields(self, request, obj=None):
        hidden = self._hidden(request)
        return [name for name in super().get_readonly_fields(request, obj) if name not in hidden]

    def get_list_display(self, request):
        hidden = self._hidden(request)
        return [name for name in super().get_list_display(request) if name not in hidden]

    def get_search_fields(self, request):
        hidden = self._hidden(request)
        return [name for name in super().get_search_fields(request) if name.split("__")[0] not in hidden]
