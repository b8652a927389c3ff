#!/usr/bin/python3
"""End-to-end scenarios for the web client, in headless Chromium through selenium.

Runs against a server that is already up (seeded with demo data):
  /usr/bin/python3 web/e2e/run_e2e.py --base-url http://127.0.0.1:PORT --size 390x844 --out test-output/web

Scenarios: a patient registers, books, reschedules and cancels; a receptionist
(admin@clinic.test) confirms and completes an appointment and exports a report
as CSV; a superadmin changes a role. Every screen is saved as a PNG in --out.
Exit status 0 when every scenario passed, 1 otherwise (the failure is printed).
"""
import argparse
import datetime
import glob
import os
import sys
import time
import traceback

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

PASSWORD = "rainy orchard lantern 7319"


class Browser:
    def __init__(self, base, width, height, out, tag, downloads):
        self.base = base.rstrip("/")
        self.out = out
        self.tag = tag
        self.count = 0
        opts = webdriver.ChromeOptions()
        opts.binary_location = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
        for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  f"--window-size={width},{height}", "--lang=es", "--hide-scrollbars"):
            opts.add_argument(a)
        opts.add_experimental_option("prefs", {"download.default_directory": downloads, "download.prompt_for_download": False})
        self.driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver")), options=opts)
        self.driver.set_window_size(width, height)
        try:
            self.driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
        except Exception:
            pass
        self.downloads = downloads

    def quit(self):
        self.driver.quit()

    def go(self, path):
        self.driver.get(self.base + path)

    def wait(self, cond, timeout=15, what="condition"):
        try:
            return WebDriverWait(self.driver, timeout, ignored_exceptions=[StaleElementReferenceException]).until(cond)
        except TimeoutException:
            self.shot("FAILED-" + what.replace(" ", "_")[:40])
            raise AssertionError(f"timed out waiting for {what} on {self.driver.current_url}") from None

    def css(self, selector, timeout=15):
        return self.wait(EC.visibility_of_element_located((By.CSS_SELECTOR, selector)), timeout, selector)

    def all(self, selector):
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def text_present(self, text, timeout=15):
        self.wait(lambda d: text in d.find_element(By.TAG_NAME, "body").text, timeout, f"text {text!r}")

    def button(self, label, scope=None, timeout=15):
        lit = xpath_literal(label)
        xp = f".//button[normalize-space()={lit} or @aria-label={lit}] | .//a[normalize-space()={lit}]"
        root = scope or self.driver
        return self.wait(lambda d: next((b for b in root.find_elements(By.XPATH, xp) if b.is_displayed() and b.is_enabled()), False),
                         timeout, f"button {label!r}")

    def click(self, label, scope=None):
        b = self.button(label, scope)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", b)
        b.click()

    def field(self, label):
        """The input, select or textarea whose <label> reads `label`."""
        lab = self.wait(lambda d: next((l for l in d.find_elements(By.XPATH, f"//label[normalize-space()={xpath_literal(label)}]") if l.is_displayed()), False),
                        15, f"label {label!r}")
        return self.driver.find_element(By.ID, lab.get_attribute("for"))

    def fill(self, label, value):
        el = self.field(label)
        if el.get_attribute("type") in ("date", "time", "datetime-local"):
            self.set_value(el, value)
        else:
            el.clear()
            el.send_keys(value)

    def set_value(self, el, value):
        # React listens to input events; set the value through the native setter.
        self.driver.execute_script(
            "const el = arguments[0]; const proto = Object.getPrototypeOf(el);"
            "Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, arguments[1]);"
            "el.dispatchEvent(new Event('input', {bubbles: true})); el.dispatchEvent(new Event('change', {bubbles: true}));", el, value)

    def toast(self, text, timeout=15):
        self.wait(lambda d: any(text in t.text for t in d.find_elements(By.CSS_SELECTOR, ".toast")), timeout, f"toast {text!r}")

    def no_loading(self, timeout=15):
        self.wait(lambda d: not d.find_elements(By.CSS_SELECTOR, ".loading"), timeout, "loading to finish")

    def shot(self, name):
        self.count += 1
        path = os.path.join(self.out, f"{self.tag}-{self.count:02d}-{name}.png")
        self.driver.save_screenshot(path)
        return path


def xpath_literal(s):
    if "'" not in s:
        return f"'{s}'"
    return "concat('" + "', \"'\", '".join(s.split("'")) + "')"


def sign_in(b, email, password):
    b.go("/login")
    b.fill("Correo electrónico", email)
    b.fill("Contraseña", password)
    b.click("Entrar")
    b.wait(lambda d: "/login" not in d.current_url, 15, "leaving the sign-in page")
    b.css("header nav", 15) if b.driver.get_window_size()["width"] > 720 else b.button("Menú")


def sign_out(b):
    b.click("Salir")
    b.wait(lambda d: "/login" in d.current_url, 10, "sign-in page after sign-out")


def weekday_from(days):
    d = datetime.date.today() + datetime.timedelta(days=days)
    while d.weekday() >= 5:
        d += datetime.timedelta(days=1)
    return d


def pick_slot(b, start_days):
    """Sets the date field to weekdays from `start_days` on until free slots appear; clicks the first."""
    date_input = b.field("Fecha")
    for i in range(14):
        day = weekday_from(start_days + i)
        b.set_value(date_input, day.isoformat())
        time.sleep(0.3)
        b.wait(lambda d: not d.find_elements(By.CSS_SELECTOR, ".slots .loading"), 15, "slots")
        slots = [s for s in b.all(".slot") if s.is_displayed()]
        if slots:
            slots[0].click()
            return day, slots[0].text
    raise AssertionError("no free slot found in 14 days")


def scenario_public_screens(b):
    b.go("/login")
    b.css("form")
    b.shot("signin")
    b.fill("Correo electrónico", "nobody@clinic.test")
    b.fill("Contraseña", "definitely the wrong password")
    b.click("Entrar")
    b.css(".form-error")
    b.shot("signin-error")
    b.go("/forgot")
    b.css("form")
    b.shot("forgot-password")
    b.go("/reset?token=example")
    b.css("form")
    b.shot("reset-password")
    # English switch
    b.go("/login")
    b.click("EN")
    b.text_present("Sign in")
    b.shot("signin-english")
    b.click("ES")
    b.text_present("Iniciar sesión")


def scenario_patient(b, stamp):
    b.go("/register")
    b.css("form")
    b.shot("register")
    last = f"Prueba{stamp}"
    email = f"e2e.{stamp}@example.test"
    b.fill("Nombre", "Lucía")
    b.fill("Apellidos", last)
    b.fill("Correo electrónico", email)
    b.fill("Contraseña", "short")
    b.fill("Fecha de nacimiento", "1990-04-12")
    b.fill("Dirección", "Av. Reforma 100, CDMX")
    b.fill("Contacto de emergencia", "Mario " + last)
    b.fill("Teléfono de emergencia", "+525512345678")
    b.click("Crear cuenta")
    # The password policy error shows next to the password field (extensions.field).
    b.wait(lambda d: d.find_elements(By.CSS_SELECTOR, ".has-error small.error"), 15, "password field error")
    b.shot("register-field-error")
    b.fill("Contraseña", PASSWORD)
    b.click("Crear cuenta")
    b.wait(lambda d: d.current_url.endswith("/appointments"), 20, "appointments after registration")
    b.text_present("No tienes citas próximas.")
    b.shot("patient-appointments-empty")

    # Book: specialization → doctor → date → slot → reason → confirm.
    b.click("Reservar cita")
    chip = b.css(".chip")
    b.shot("book-specialization")
    chip.click()
    b.css(".card-button").click()
    b.shot("book-doctor")
    day, slot = pick_slot(b, 3)
    b.shot("book-slot")
    b.fill("Motivo", "Revisión general (e2e)")
    b.click("Continuar")
    b.css(".summary")
    b.shot("book-confirm")
    b.click("Confirmar cita")
    b.toast("Cita reservada")
    b.wait(lambda d: d.current_url.endswith("/appointments"), 15, "appointments after booking")
    card = b.css("[data-testid=appointment]")
    assert slot in card.text, f"booked slot {slot} not shown: {card.text}"
    b.shot("patient-appointments-booked")

    # Reschedule to another free slot.
    b.click("Cambiar", card)
    b.css(".confirm-box .slot")
    time.sleep(0.3)
    b.css(".confirm-box .slot").click()
    b.shot("reschedule")
    b.click("Confirmar cambio")
    b.toast("Cita cambiada")
    b.no_loading()
    card = b.css("[data-testid=appointment]")
    b.shot("patient-appointments-rescheduled")

    # Cancel.
    b.click("Cancelar cita", card)
    b.css(".confirm-box")
    b.shot("cancel-confirm")
    b.click("Sí, cancelar")
    b.toast("Cita cancelada")
    b.text_present("No tienes citas próximas.")
    b.shot("patient-appointments-cancelled")

    for path, name in (("/profile", "patient-profile"), ("/notifications", "patient-notifications")):
        b.go(path)
        b.css("h1")
        b.no_loading()
        b.shot(name)
    sign_out(b)
    return email, last


def board_cards(b):
    return [c for c in b.all("[data-testid=board-card]") if c.is_displayed()]


def find_card(b, offsets, want):
    """Moves the board to each day offset until a card satisfies `want`; returns it."""
    date_input = b.field("Fecha")
    for off in offsets:
        b.set_value(date_input, (datetime.date.today() + datetime.timedelta(days=off)).isoformat())
        time.sleep(0.4)
        b.no_loading()
        for c in board_cards(b):
            if want(c):
                return c
    return None


def has_button(card, label):
    return any(x.text.strip() == label for x in card.find_elements(By.TAG_NAME, "button"))


def started(card):
    starts = card.get_attribute("data-starts")
    return datetime.datetime.fromisoformat(starts.replace("Z", "+00:00")) < datetime.datetime.now(datetime.timezone.utc)


def scenario_admin(b):
    sign_in(b, "admin@clinic.test", "admin-demo-pass")
    b.wait(lambda d: d.current_url.endswith("/admin/board"), 15, "day board")
    b.no_loading()
    b.shot("admin-day-board")
    past = list(range(0, -31, -1))
    # Prefer an appointment that already started and is still SCHEDULED: confirm it, then complete it.
    card = find_card(b, past, lambda c: has_button(c, "Confirmar") and started(c))
    if card is None:  # no such one in the seed today: confirm a future one, complete a started confirmed one
        card = find_card(b, list(range(0, 31)), lambda c: has_button(c, "Confirmar"))
        assert card is not None, "no SCHEDULED appointment on the board within 30 days"
    cid = card.get_attribute("data-id")
    b.click("Confirmar", card)
    b.toast("Cita actualizada")
    sel = f"[data-id='{cid}']"
    b.wait(lambda d: "Confirmada" in d.find_element(By.CSS_SELECTOR, sel).text, 15, "confirmed badge")
    b.shot("admin-board-confirmed")
    card = b.driver.find_element(By.CSS_SELECTOR, sel)
    if not started(card):
        card = find_card(b, past, lambda c: has_button(c, "Completar") and started(c))
        assert card is not None, "no started, confirmed appointment to complete"
        cid = card.get_attribute("data-id")
        sel = f"[data-id='{cid}']"
    b.click("Completar", card)
    b.toast("Cita actualizada")
    b.wait(lambda d: "Completada" in d.find_element(By.CSS_SELECTOR, sel).text, 15, "completed badge")
    b.shot("admin-board-completed")
    # Most visits are never confirmed: a started SCHEDULED one is closed directly (the test
    # server holds two started visits the scenario made itself).
    card = find_card(b, past, lambda c: has_button(c, "Confirmar") and has_button(c, "No asistió") and started(c))
    assert card is not None, "no second started SCHEDULED appointment"
    sel = f"[data-id='{card.get_attribute('data-id')}']"
    b.click("No asistió", card)
    b.toast("Cita actualizada")
    b.wait(lambda d: d.find_elements(By.CSS_SELECTOR, sel + " .badge-no_show"), 15, "no-show badge")
    b.shot("admin-board-no-show")

    # Reports: charts and CSV export.
    b.go("/admin/reports")
    b.css(".kpis")
    b.css("canvas")
    time.sleep(1.0)
    b.shot("admin-reports")
    for f in glob.glob(os.path.join(b.downloads, "*.csv")):
        os.remove(f)
    b.click("Descargar CSV")
    b.toast("CSV descargado")
    b.wait(lambda d: [f for f in glob.glob(os.path.join(b.downloads, "*.csv"))], 15, "CSV file downloaded")
    csv_path = glob.glob(os.path.join(b.downloads, "*.csv"))[0]
    with open(csv_path, encoding="utf-8") as fh:
        header = fh.readline().strip()
    assert header.startswith("id,date,time,startsAt,status"), f"CSV header: {header}"
    b.shot("admin-reports-exported")

    for path, name in (("/admin/book", "admin-book"), ("/admin/patients", "admin-patients"), ("/admin/doctors", "admin-doctors"),
                       ("/admin/notice", "admin-notice")):
        b.go(path)
        b.css("h1")
        b.no_loading()
        b.shot(name)
        if name == "admin-book":
            # Staff booking for a patient (bookAppointment with patientId).
            b.click("Elegir", b.css(".cards .card"))
            b.css(".chip").click()
            b.css(".card-button").click()
            pick_slot(b, 4)
            b.fill("Motivo", "Reservada por recepción (e2e)")
            b.click("Continuar")
            b.css(".summary")
            b.shot("admin-book-confirm")
            b.click("Confirmar cita")
            b.toast("Cita reservada")
        if name == "admin-doctors":
            b.click("Horario y ausencias")
            b.css(".editor")
            b.shot("admin-doctor-hours")
    sign_out(b)


def scenario_doctor(b):
    sign_in(b, "dr.garcia@clinic.test", "doctor-demo-pass")
    b.wait(lambda d: d.current_url.endswith("/doctor"), 15, "doctor agenda")
    b.no_loading()
    b.click("Semana")
    b.no_loading()
    b.shot("doctor-week")
    links = [a for a in b.all(".card-main a") if a.is_displayed()]
    if not links:
        b.click("Siguiente")
        b.no_loading()
        links = [a for a in b.all(".card-main a") if a.is_displayed()]
    if links:
        links[0].click()
        b.css("h1")
        b.no_loading()
        b.shot("doctor-patient-chart")
    sign_out(b)


def scenario_superadmin(b, last):
    sign_in(b, "superadmin@clinic.test", "superadmin-demo-pass")
    b.wait(lambda d: d.current_url.endswith("/super/users"), 15, "users page")
    b.no_loading()
    b.shot("super-users")
    b.fill("Buscar", last)
    row = b.wait(lambda d: next((r for r in d.find_elements(By.CSS_SELECTOR, "tbody tr") if last in r.text), False), 15, "the registered user's row")
    Select(row.find_element(By.TAG_NAME, "select")).select_by_value("ADMIN")
    b.toast("Usuario actualizado")
    b.shot("super-users-role-changed")
    b.go("/super/users")
    b.fill("Buscar", last)
    row = b.wait(lambda d: next((r for r in d.find_elements(By.CSS_SELECTOR, "tbody tr") if last in r.text), False), 15, "row after reload")
    value = Select(row.find_element(By.TAG_NAME, "select")).first_selected_option.get_attribute("value")
    assert value == "ADMIN", f"role after reload is {value}"
    for path, name in (("/super/settings", "super-settings"), ("/super/audit", "super-audit"), ("/super/backups", "super-backups")):
        b.go(path)
        b.css("h1")
        b.no_loading()
        b.shot(name)
        if name == "super-audit":
            before = len(b.all("tbody tr"))
            assert before > 0, "empty audit log after mutations"
            if any(x.text == "Cargar más" for x in b.all("button")):
                b.click("Cargar más")
                b.wait(lambda d: len(d.find_elements(By.CSS_SELECTOR, "tbody tr")) > before, 15, "next audit page")
    sign_out(b)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base-url", required=True)
    ap.add_argument("--size", default="1366x900")
    ap.add_argument("--out", default="test-output/web")
    ap.add_argument("--only", default="", help="comma-separated scenario names")
    args = ap.parse_args()
    w, h = (int(x) for x in args.size.split("x"))
    os.makedirs(args.out, exist_ok=True)
    tag = f"{w}x{h}"
    downloads = os.path.abspath(os.path.join(args.out, f"downloads-{tag}"))
    os.makedirs(downloads, exist_ok=True)
    stamp = f"{w}{int(time.time()) % 100000}"
    b = Browser(args.base_url, w, h, os.path.abspath(args.out), tag, downloads)
    failures = []
    state = {}
    scenarios = [
        ("public", lambda: scenario_public_screens(b)),
        ("patient", lambda: state.update(zip(("email", "last"), scenario_patient(b, stamp)))),
        ("admin", lambda: scenario_admin(b)),
        ("doctor", lambda: scenario_doctor(b)),
        ("superadmin", lambda: scenario_superadmin(b, state.get("last", "García"))),
    ]
    only = set(filter(None, args.only.split(",")))
    try:
        for name, fn in scenarios:
            if only and name not in only:
                continue
            t0 = time.time()
            try:
                fn()
                print(f"ok   {tag} {name} ({time.time() - t0:.1f}s)", flush=True)
            except Exception as e:  # keep going: report every failing scenario
                failures.append(name)
                print(f"FAIL {tag} {name}: {e}", flush=True)
                traceback.print_exc()
                try:
                    b.shot(f"FAILED-{name}")
                    b.driver.delete_all_cookies()
                    b.driver.execute_script("sessionStorage.clear()")
                except Exception:
                    pass
    finally:
        b.quit()
    if failures:
        print(f"{tag}: failed scenarios: {', '.join(failures)}")
        return 1
    print(f"{tag}: all scenarios passed; screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
