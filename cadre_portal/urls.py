from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from cadre_portal import views

admin.site.site_header = "干部人才梯队建设管理平台 · 系统管理"
admin.site.site_title = "系统管理"
admin.site.index_title = "系统管理"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", views.PortalLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PortalPasswordChangeView.as_view(), name="password_change"),
    path("audit/", views.audit_log, name="audit_log"),
    path("regions/", views.region_tree, name="region_tree"),
    path("notifications/", include("cadre_portal.notifications.urls")),
    path("excel/", include("cadre_portal.excel.urls")),
    path("figures/", include("cadre_portal.figures.urls")),
    path("dashboards/", include("cadre_portal.dashboards.urls")),
    path("documents/", include("cadre_portal.documents.urls")),
    path("reserves/", include("reserves.urls")),
    path("youth/", include("youth_cadres.urls")),
    path("retention/", include("youth_cadres.retention.urls")),
    path("talents/", include("talents.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "cadre_portal.views.error_403"
handler404 = "cadre_portal.views.error_404"
handler500 = "cadre_portal.views.error_500"
