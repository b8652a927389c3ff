#!/usr/bin/python3
"""Drives the GraphQL explorer page (GET /graphql) in headless Chromium through selenium.

  /usr/bin/python3 Tests/ServerTests/Browser/explorer_driver.py \
      --base-url http://127.0.0.1:PORT --query '{ ... }' --expect 'García' --docs-type Doctor \
      --out test-output/explorer

Steps: open /graphql?query=<the query> (a shared link), check the editor holds the
query, wait for the schema docs panel to list the types built from introspection,
press Ctrl-Enter in the editor (real key events), wait for the result pane to show
a successful response containing every --expect string, open the docs page of
--docs-type by clicking its link and check its fields are listed. Screenshots go to
--out (explorer-loaded.png, explorer-result.png, explorer-docs-type.png, and
FAILED-*.png on a failure); the result pane's text is written to --out/result.json
so the caller can compare it with the server's own answer. The browser console
must stay free of errors (a Content-Security-Policy violation would show there).

Exit status 0 when every check passed; 1 with the reason on stderr otherwise.
"""
import argparse
import json
import os
import sys
import traceback
import urllib.parse

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait


class Failure(Exception):
    pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base-url", required=True)
    ap.add_argument("--query", required=True)
    ap.add_argument("--expect", action="append", default=[], help="text the result pane must contain")
    ap.add_argument("--docs-type", action="append", default=[], help="a type the docs index must list")
    ap.add_argument("--out", required=True)
    ap.add_argument("--size", default="1400x900")
    ap.add_argument("--timeout", type=float, default=30)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    width, height = (int(x) for x in args.size.split("x"))

    opts = webdriver.ChromeOptions()
    opts.binary_location = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              f"--window-size={width},{height}", "--hide-scrollbars", "--lang=en-US"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver")), options=opts)
    driver.set_window_size(width, height)

    def shot(name):
        path = os.path.join(args.out, name + ".png")
        driver.save_screenshot(path)
        print("screenshot", path)

    def wait(cond, what):
        try:
            return WebDriverWait(driver, args.timeout, ignored_exceptions=[StaleElementReferenceException]).until(cond)
        except TimeoutException:
            shot("FAILED-" + "".join(c if c.isalnum() else "_" for c in what)[:50])
            raise Failure(f"timed out after {args.timeout:g} s waiting for {what}") from None

    def text_of(element_id):
        return driver.find_element(By.ID, element_id).text

    try:
        url = args.base_url.rstrip("/") + "/graphql?" + urllib.parse.urlencode({"query": args.query})
        driver.get(url)
        print("opened", url)
        if "explorer" not in driver.title.lower():
            raise Failure(f"page title is {driver.title!r}, not the explorer")

        editor = wait(lambda d: d.find_element(By.ID, "query"), "the query editor")
        value = editor.get_attribute("value")
        if value != args.query:
            raise Failure(f"the editor holds {value!r}, not the query from the link {args.query!r}")

        # The docs panel is built from an introspection query the page sends itself.
        def docs_listed(d):
            links = [a.text for a in d.find_elements(By.CSS_SELECTOR, "#docs-body a.tlink")]
            return links if all(t in links for t in args.docs_type) and len(links) >= len(args.docs_type) else False
        links = wait(docs_listed, "the docs panel to list " + ", ".join(args.docs_type))
        print(f"docs panel lists {len(links)} type links")
        shot("explorer-loaded")

        # Run with Ctrl-Enter typed into the editor, as a person would.
        editor.click()
        ActionChains(driver).key_down(Keys.CONTROL).send_keys(Keys.ENTER).key_up(Keys.CONTROL).perform()

        def result_ready(d):
            status = d.find_element(By.ID, "status")
            cls = status.get_attribute("class") or ""
            if "busy" in cls or not status.text.strip():
                return False
            return (cls, status.text, text_of("result"))
        cls, status_text, result = wait(result_ready, "the result pane to show a response")
        print("status", status_text, cls)
        if "ok" not in cls.split():
            shot("FAILED-result-status")
            raise Failure(f"the response status is {status_text!r} ({cls}); result pane:\n{result}")
        errors = text_of("result-errors").strip()
        if errors:
            shot("FAILED-result-errors")
            raise Failure("the result pane lists errors: " + errors)
        missing = [e for e in args.expect if e not in result]
        if missing:
            shot("FAILED-result-content")
            raise Failure(f"the result pane lacks {missing!r}:\n{result}")
        with open(os.path.join(args.out, "result.json"), "w", encoding="utf-8") as f:
            f.write(result)
        shot("explorer-result")

        # A type link opens that type's page with its fields.
        if args.docs_type:
            name = args.docs_type[-1]
            link = next(a for a in driver.find_elements(By.CSS_SELECTOR, "#docs-body a.tlink") if a.text == name)
            link.click()
            wait(lambda d: d.find_element(By.CSS_SELECTOR, "#docs-body h3").text.strip().startswith(name)
                 and len(d.find_elements(By.CSS_SELECTOR, "#docs-body .field-item")) > 0,
                 f"the docs page of {name} with its fields")
            fields = [e.text.split("\n")[0] for e in driver.find_elements(By.CSS_SELECTOR, "#docs-body .field-item")]
            print(f"docs page of {name}: {len(fields)} fields, first {fields[:3]}")
            shot("explorer-docs-type")

        problems = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
        if problems:
            raise Failure("browser console errors: " + json.dumps(problems, ensure_ascii=False))
        print("explorer: every check passed")
        return 0
    except Failure as e:
        print("explorer FAILED:", e, file=sys.stderr)
        return 1
    except Exception:
        traceback.print_exc()
        try:
            shot("FAILED-exception")
        except Exception:
            pass
        return 1
    finally:
        driver.quit()


if __name__ == "__main__":
    sys.exit(main())
