from django.conf import settings


def portal(request):
    """Values every page needs: the site name and the user's navigation."""
    from cadre_portal.navigation import menu_for

    user = getattr(request, "user", None)
    return {
        "SITE_NAME": getattr(settings, "SITE_NAME", "干部人才梯队建设管理平台"),
        "nav_menu": menu_for(user) if user is not None and user.is_authenticated else [],
    }
