"""Log in as a demo user and screenshot pages with headless Chromium.

    .venv/bin/python scripts/screenshot.py --base http://127.0.0.1:8000 --user tiancheng --out /tmp/shots / /reserves/
"""

import argparse
import re
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="tiancheng")
    parser.add_argument("--password", default="Demo@2026")
    parser.add_argument("--out", default="/tmp/shots")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("paths", nargs="*", default=["/"])
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": 900}, locale="zh-CN")
        page.goto(args.base + "/accounts/login/")
        if args.user:
            page.fill("#id_username", args.user)
            page.fill("#id_password", args.password)
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
        for path in args.paths:
            page.goto(args.base + path)
            page.wait_for_load_state("networkidle")
            name = re.sub(r"[^A-Za-z0-9]+", "_", f"{args.user}{path}").strip("_") or "root"
            target = out / f"{name}.png"
            page.screenshot(path=str(target), full_page=True)
            print(target)
        browser.close()


if __name__ == "__main__":
    main()
