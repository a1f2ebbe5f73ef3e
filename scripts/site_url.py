"""Print the public URL ``briefing build --publish`` should use (see briefing.pages)."""

import os

from briefing.pages import publish_site_url

if __name__ == "__main__":
    print(publish_site_url(os.environ))
