"""The HTML pages Pelican does not make (or makes slowly): month archives, tag pages (see ``context.limit_taxonomies``), ministry
archives and their index, daily digests and their index. Rendered through the site's writer, so
they follow its pagination and skip rules like Pelican's own listings."""

from __future__ import annotations

from briefing.site.fingerprints import listed_mark

from .writer import base_of, unchanged


def write_month_pages(generator, writer) -> None:
    """Each month's archive (paginated), as Pelican's generate_period_archives would write it."""
    relative = generator.settings["RELATIVE_URLS"]
    template = generator.get_template("period_archives")
    for month in generator.context["period_archives"]["month"]:
        context = dict(generator.context, period=month.period, period_num=month.period_num)
        writer.write_file(
            month.save_as,
            template,
            context,
            relative,
            articles=month.articles,
            dates=month.dates,
            template_name="period_archives",
            blog=True,
            url=month.url,
            all_articles=generator.articles,
        )


def write_tag_pages(generator, writer) -> None:
    """One page per tag with a page, newest first, as Pelican's generate_tags would write it."""
    context, relative = generator.context, generator.settings["RELATIVE_URLS"]
    template = generator.get_template("tag")
    for tag, rows in context["briefing_tag_pages"].items():
        writer.write_file(
            tag.save_as,
            template,
            context,
            relative,
            paginated={"articles": rows, "dates": rows},
            template_name="tag",
            url=tag.url,
            tag=tag,
            articles=rows,
            dates=rows,
            blog=True,
            page_name=tag.page_name,
            all_articles=generator.articles,
        )


def write_ministry_pages(generator, writer) -> None:
    """Each ministry's archive (paginated) and the index of ministries."""
    settings, context = generator.settings, generator.context
    relative = settings["RELATIVE_URLS"]
    template = generator.get_template("ministry")
    for ministry in context["ministries"]:
        writer.write_file(
            ministry.save_as,
            template,
            context,
            relative,
            paginated={"articles": ministry.articles, "dates": ministry.articles},
            template_name="ministry",
            url=ministry.url,
            ministry=ministry,
            articles=ministry.articles,
            dates=ministry.articles,
        )
    writer.write_file(
        settings["MINISTRIES_SAVE_AS"],
        generator.get_template("ministries"),
        context,
        relative,
        url=settings["MINISTRIES_URL"],
    )


def write_digest_pages(generator, writer) -> None:
    """One page per day (not paginated; skipped when its releases did not change) and an index."""
    settings, context = generator.settings, generator.context
    relative = settings["RELATIVE_URLS"]
    template = generator.get_template("digest")
    for digest in context["digests"]:
        mark = listed_mark(base_of(writer), digest.save_as, (a.briefing_digest for a in digest.articles))
        if unchanged(writer, digest.save_as, mark):
            continue
        writer.write_file(digest.save_as, template, context, relative, url=digest.url, digest=digest)
    writer.write_file(
        settings["DIGESTS_SAVE_AS"],
        generator.get_template("digests"),
        context,
        relative,
        url=settings["DIGESTS_URL"],
    )
