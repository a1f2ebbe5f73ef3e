"""Print the public URL ``briefing build --publish`` should use (see briefing.site.github_pages)."""

import os

from briefing.site.github_pages import publish_site_url

if __name__ == "__main__":
    print(publish_site_url(os.environ))
