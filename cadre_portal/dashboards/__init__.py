"""Leader dashboards, their Excel exports and the situation report (情况汇报), all read
through the figures registry (``cadre_portal.figures``)."""
