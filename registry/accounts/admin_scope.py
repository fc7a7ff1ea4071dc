"""Admin mix-in: city managers see and change only their own municipalities' records."""

from registry.accounts import access


class MunicipalityScopedAdmin:
    municipality_path = "municipality"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        role = access.role_of(request.user)
        if role in (access.ADMIN, access.ANALYST):
            return queryset
        return queryset.filter(
            **{f"{self.municipality_path}__in": access.managed_municipality_ids(request.user)}
        )
