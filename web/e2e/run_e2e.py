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
import base64
import datetime
import glob
import json
import os
import re
import subprocess
import sys
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
import zoneinfo

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

PASSWORD = "rainy orchard lantern 7319"
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "a11y_check.js"), encoding="utf-8") as _fh:
    A11Y_SCRIPT = _fh.read()


class Browser:
    def __init__(self, base, width, height, out, tag, downloads, tz=""):
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
        # `tz`: the browser's own time zone (TZ of chromedriver and so of Chromium); the clinic's stays the server's.
        env = dict(os.environ, TZ=tz) if tz else None
        self.driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver"), env=env), options=opts)
        self.driver.set_window_size(width, height)
        try:
            self.driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
        except Exception:
            pass
        self.downloads = downloads
        self.a11y = []

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
        """The enabled, visible button or link named `label`, inside `scope` (an element, or a
        CSS selector found again on every try, so a re-rendered scope does not go stale)."""
        lit = xpath_literal(label)
        xp = f".//button[normalize-space()={lit} or @aria-label={lit}] | .//a[normalize-space()={lit}]"

        def find(d):
            root = d.find_element(By.CSS_SELECTOR, scope) if isinstance(scope, str) else (scope or d)
            return next((b for b in root.find_elements(By.XPATH, xp) if b.is_displayed() and b.is_enabled()), False)
        return self.wait(find, timeout, f"button {label!r}")

    def click(self, label, scope=None):
        for attempt in range(3):
            try:
                b = self.button(label, scope)
                self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", b)
                b.click()
                return
            except StaleElementReferenceException:
                if attempt == 2:
                    raise
                time.sleep(0.3)

    def ids(self, selector="[data-testid=board-card]"):
        """The data-id of every element matching `selector`, read in one script (never stale)."""
        return self.driver.execute_script(
            "return [...document.querySelectorAll(arguments[0])].filter(e => e.offsetParent !== null).map(e => e.dataset.id)", selector)

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
        """Saves the screen as a PNG and checks its accessibility (a11y_check.js):
        a serious finding fails the scenario; every finding is logged in a11y-<size>.json."""
        self.count += 1
        path = os.path.join(self.out, f"{self.tag}-{self.count:02d}-{name}.png")
        self.driver.save_screenshot(path)
        if name.startswith("FAILED"):
            return path
        findings = self.driver.execute_script("return (" + A11Y_SCRIPT + "\n);")
        self.a11y.append({"screen": f"{self.count:02d}-{name}", "url": self.driver.current_url, "findings": findings})
        with open(os.path.join(self.out, f"a11y-{self.tag}.json"), "w", encoding="utf-8") as fh:
            json.dump(self.a11y, fh, ensure_ascii=False, indent=1)
        serious = [f for f in findings if f["impact"] == "serious"]
        if serious and not os.environ.get("A11Y_REPORT_ONLY"):  # REPORT_ONLY: for surveying by hand, never in the tests
            raise AssertionError(f"accessibility ({name}): " + "; ".join(f"{f['rule']}: {f['target']}: {f['message']}" for f in serious[:8]))
        return path


class Api:
    """The GraphQL API beside the browser: creates the data a scenario needs and
    reads back the effect of every submitted form."""

    def __init__(self, base):
        self.base = base.rstrip("/")
        self.tokens = {}

    def gql(self, query, variables=None, as_user=None):
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if as_user:
            headers["Authorization"] = "Bearer " + self.token(*as_user)
        req = urllib.request.Request(self.base + "/graphql", data=json.dumps({"query": query, "variables": variables or {}}).encode(),
                                     headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                body = json.load(r)
        except urllib.error.HTTPError as e:
            body = json.loads(e.read() or b"{}")
            if e.code == 401 and as_user:
                self.tokens.pop(as_user, None)
                return self.gql(query, variables, as_user)
        if body.get("errors"):
            raise AssertionError(f"API error: {body['errors']}")
        return body["data"]

    def token(self, email, password):
        if (email, password) not in self.tokens:
            d = self.gql("mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }", {"e": email, "p": password})
            self.tokens[(email, password)] = d["login"]["accessToken"]
        return self.tokens[(email, password)]

    def try_login(self, email, password):
        try:
            self.gql("mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }", {"e": email, "p": password})
            return True
        except AssertionError:
            return False

    def appointment(self, aid):
        return self.gql("query($id: ID!) { appointment(id: $id) { id date time status reason notes } }", {"id": aid}, ADMIN)["appointment"]

    def register_patient(self, first, last, email):
        self.gql("""mutation($i: RegisterInput!) { register(input: $i) { accessToken } }""", {"i": {
            "email": email, "password": PASSWORD, "firstName": first, "lastName": last, "phone": "+525500000000", "dateOfBirth": "1985-06-01",
            "gender": "UNDISCLOSED", "address": "Calle 1", "emergencyContact": "Contacto", "emergencyPhone": "+525511111111"}})
        me = self.gql("{ me { patient { id } } }", None, (email, PASSWORD))
        return me["me"]["patient"]["id"]

    def first_doctor(self):
        return self.gql("{ doctors(filter: {isAvailable: true}, first: 1) { nodes { id user { fullName } } } }")["doctors"]["nodes"][0]

    def free_slots(self, doctor_id, start_days, skip=None):
        """(date, [times]) of the first weekday from `start_days` on with free slots (other than `skip`)."""
        for i in range(30):
            day = weekday_from(start_days + i).isoformat()
            if day == skip:
                continue
            slots = self.gql("query($d: ID!, $date: Date!) { availableSlots(doctorId: $d, date: $date) { time } }", {"d": doctor_id, "date": day})
            times = [x["time"] for x in slots["availableSlots"]]
            if len(times) >= 2:
                return day, times
        raise AssertionError("no free slots within 30 days")

    def book_for(self, patient_id, doctor_id, day, at, reason):
        d = self.gql("mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { id } }",
                     {"i": {"doctorId": doctor_id, "date": day, "time": at, "reason": reason, "patientId": patient_id}}, ADMIN)
        return d["bookAppointment"]["id"]


ADMIN = ("admin@clinic.test", "admin-demo-pass")
SUPERADMIN = ("superadmin@clinic.test", "superadmin-demo-pass")
DOCTOR = ("dr.garcia@clinic.test", "doctor-demo-pass")


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


# The clinic's zone (Query.clinic), read in main(). The scenarios' "today" is the clinic's
# date, as the screens' is: the machine's (UTC) differs from it for hours every day.
CLINIC_ZONE = datetime.timezone.utc


def clinic_today():
    return datetime.datetime.now(CLINIC_ZONE).date()


def check_moved_clock(b, api, expected):
    """--expect-clock: the script, the browser and the server each read the moved instant
    (libfaketime under each of them); a clock left real would run the scenarios at the real
    hour and prove nothing about the moved one."""
    want = datetime.datetime.fromisoformat(expected)
    # The run starts within seconds of the instant the offset was taken for.
    lo, hi = want - datetime.timedelta(minutes=1), want + datetime.timedelta(minutes=10)
    b.go("/login")
    b.css("form")
    browser = datetime.datetime.fromtimestamp(b.driver.execute_script("return Date.now()") / 1000, datetime.timezone.utc)
    payload = api.token(*ADMIN).split(".")[1]
    server = datetime.datetime.fromtimestamp(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["iat"],
                                             datetime.timezone.utc)
    script = datetime.datetime.now(datetime.timezone.utc)
    for who, at in (("script", script), ("browser", browser), ("server (token iat)", server)):
        assert lo <= at <= hi, f"the {who}'s clock reads {at.isoformat()}, not the moved {expected}"
    print(f"clock moved to {expected}: clinic today {clinic_today()} ({CLINIC_ZONE}); script {script.isoformat(timespec='seconds')}, "
          f"browser {browser.isoformat(timespec='seconds')}, server {server.isoformat(timespec='seconds')}", flush=True)


def weekday_from(days):
    d = clinic_today() + datetime.timedelta(days=days)
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


def scenario_password_reset(b, api, token):
    """Forgot password submitted (the stored email is read back through the API),
    then the emailed path /reset-password?token=… sets a new password that signs in."""
    patient = ("patient@clinic.test", "patient-demo-pass")
    before = api.gql("{ notifications(first: 0) { totalCount } }", None, patient)["notifications"]["totalCount"]
    b.go("/forgot")
    b.css("form")
    b.shot("forgot-password")
    b.fill("Correo electrónico", patient[0])
    b.click("Enviar enlace")
    b.css("p[role=status]")
    b.shot("forgot-password-sent")
    after = api.gql("{ notifications(status: PENDING, first: 100) { totalCount nodes { kind } } }", None, patient)["notifications"]
    assert "PASSWORD_RESET" in [n["kind"] for n in after["nodes"]], after
    assert api.gql("{ notifications(first: 0) { totalCount } }", None, patient)["notifications"]["totalCount"] == before + 1
    assert token, "no --reset-token given: the reset form cannot be submitted"
    b.go("/reset-password?token=" + token)
    b.css("form")
    assert b.field("Código del correo").get_attribute("value") == token, "token not taken from the link"
    b.fill("Nueva contraseña", "quiet harbor pebble 4821 reset")
    b.shot("reset-password")
    b.click("Guardar")
    b.toast("Contraseña cambiada")
    b.wait(lambda d: "/login" in d.current_url, 15, "sign-in page after the reset")
    assert api.try_login(patient[0], "quiet harbor pebble 4821 reset"), "the new password does not sign in"
    assert not api.try_login(patient[0], patient[1]), "the old password still signs in"


LINK_PASSWORD = "links e2e patient passphrase"


def scenario_message_links(b, api, patient, confirm, reschedule):
    """The links of a booking email (the test reads them out of the message the real worker rendered),
    opened signed out: confirm attendance, once (opened again, the link says it was used), then move
    the visit to another free time from the reschedule link's picker; both read back through the API."""
    assert patient and confirm and reschedule, "no --link-patient/--confirm-link/--reschedule-link given"
    me = (patient, LINK_PASSWORD)
    b.go("/login")
    b.driver.execute_script("sessionStorage.clear()")
    b.go(confirm)
    card = b.css("[data-testid=link-appointment]")
    assert "/a/" in b.driver.current_url, b.driver.current_url
    booked = api.gql("{ appointments(first: 5) { nodes { date time status } } }", None, me)["appointments"]["nodes"]
    assert len(booked) == 1 and booked[0]["status"] == "SCHEDULED", booked
    assert booked[0]["time"] in card.text, card.text
    b.shot("link-confirm")
    b.click("Confirmar que asistiré")
    b.css("[data-testid=link-done]")
    b.shot("link-confirmed")
    got = api.gql("{ appointments(first: 5) { nodes { date time status } } }", None, me)["appointments"]["nodes"]
    assert [a["status"] for a in got] == ["CONFIRMED"], got
    b.go(confirm)
    err = b.css("[data-testid=link-error]")
    assert "ya se usó" in err.text, err.text
    b.shot("link-used")

    b.go(reschedule)
    b.css("[data-testid=link-appointment]")
    b.wait(lambda d: any(s.is_displayed() for s in d.find_elements(By.CSS_SELECTOR, ".slot")), 15, "free times")
    slot = next(s for s in b.all(".slot") if s.is_displayed())
    target = slot.text.strip()
    assert target != booked[0]["time"], target
    b.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", slot)
    slot.click()
    b.shot("link-reschedule")
    b.click("Cambiar a esta hora")
    b.css("[data-testid=link-done]")
    b.shot("link-rescheduled")
    got = api.gql("{ appointments(first: 5) { nodes { date time status } } }", None, me)["appointments"]["nodes"]
    assert [(a["date"], a["time"]) for a in got] == [(booked[0]["date"], target)], got


def scenario_public_screens(b):
    b.go("/login")
    b.css("form")
    b.shot("signin")
    b.fill("Correo electrónico", "nobody@clinic.test")
    b.fill("Contraseña", "definitely the wrong password")
    b.click("Entrar")
    b.css(".form-error")
    b.shot("signin-error")
    b.go("/reset?token=example")
    b.css("form")
    b.fill("Nueva contraseña", "quiet harbor pebble 4821 reset")
    b.click("Guardar")
    b.css(".form-error")
    b.shot("reset-password-bad-token")
    # English switch
    b.go("/login")
    b.click("EN")
    b.text_present("Sign in")
    b.shot("signin-english")
    b.click("ES")
    b.text_present("Iniciar sesión")


def scenario_visitor_booking(b, api, stamp):
    """A visitor chooses specialty, doctor, slot and reason before having an
    account, registers, and confirms the same booking right after (read back)."""
    b.go("/login")
    b.click("Ver horarios y reservar sin cuenta")
    b.wait(lambda d: d.current_url.endswith("/book"), 15, "the open booking page")
    b.css(".chip").click()
    b.css(".card-button").click()
    day, slot = pick_slot(b, 7)
    b.fill("Motivo", "Primera consulta (e2e, sin cuenta)")
    b.click("Continuar")
    b.driver.execute_script("arguments[0].scrollIntoView()", b.css(".summary"))
    b.shot("visitor-book-summary")
    b.click("Crear cuenta y confirmar")
    b.wait(lambda d: d.current_url.endswith("/register"), 15, "registration")
    email = f"visitor.{stamp}@example.test"
    for label, value in (("Nombre", "Marta"), ("Apellidos", f"Visita{stamp}"), ("Correo electrónico", email), ("Contraseña", PASSWORD),
                         ("Fecha de nacimiento", "1979-02-03"), ("Dirección", "Calle 2"), ("Contacto de emergencia", "Pedro"),
                         ("Teléfono de emergencia", "+525500001111")):
        b.fill(label, value)
    b.click("Crear cuenta")
    b.wait(lambda d: d.current_url.endswith("/book"), 20, "back to the booking after registering")
    b.css(".summary")
    b.text_present("Revisa y confirma la cita que elegiste.")
    b.driver.execute_script("arguments[0].scrollIntoView()", b.css(".summary"))
    b.shot("visitor-book-confirm")
    b.click("Confirmar cita")
    b.toast("Cita reservada")
    b.wait(lambda d: d.current_url.endswith("/appointments"), 15, "appointments after booking")
    got = api.gql("{ appointments(first: 5) { nodes { date time reason status } } }", None, (email, PASSWORD))["appointments"]["nodes"]
    assert got == [{"date": day.isoformat(), "time": slot, "reason": "Primera consulta (e2e, sin cuenta)", "status": "SCHEDULED"}], got
    b.shot("visitor-booked")
    sign_out(b)


def scenario_patient(b, api, stamp):
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
    # The browser's language (--lang=es) became the language of the account's messages.
    browser_lang = b.driver.execute_script("return navigator.language").lower()
    assert api.gql("{ me { locale } }", None, (email, PASSWORD))["me"]["locale"] == ("en" if browser_lang.startswith("en") else "es"), browser_lang

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
    b.fill("Motivo de la cancelación (opcional)", "Ya me siento mejor")
    b.shot("cancel-confirm")
    b.click("Sí, cancelar")
    b.toast("Cita cancelada")
    b.text_present("No tienes citas próximas.")
    b.shot("patient-appointments-cancelled")

    me = (email, PASSWORD)
    b.go("/notifications")
    b.css("h1")
    b.no_loading()
    shown = len(b.all(".cards .card"))
    total = api.gql("{ notifications(first: 0) { totalCount } }", None, me)["notifications"]["totalCount"]
    assert shown == min(total, 50) and total > 0, f"{shown} notifications shown, {total} in the API"
    b.shot("patient-notifications")

    b.go("/profile")
    b.css("h1")
    b.no_loading()
    b.shot("patient-profile")
    contact = b.css("form[aria-labelledby=contact-h]")
    b.fill("Teléfono", "+525598765432")
    b.field("Por SMS").click()
    Select(b.field("Idioma de correos y SMS")).select_by_value("en")
    b.click("Guardar", contact)
    b.toast("Perfil guardado")
    got = api.gql("{ me { phone notifyBySms locale } }", None, me)["me"]
    assert got == {"phone": "+525598765432", "notifyBySms": True, "locale": "en"}, got
    medical = b.css("form[aria-labelledby=med-h]")
    b.fill("Alergias", "Penicilina (e2e)")
    b.click("Guardar", medical)
    b.toast("Datos médicos guardados")
    assert api.gql("{ me { patient { allergies } } }", None, me)["me"]["patient"]["allergies"] == "Penicilina (e2e)"
    b.shot("patient-profile-saved")
    pw = b.css("form[aria-labelledby=pw-h]")
    b.fill("Contraseña actual", PASSWORD)
    b.fill("Nueva contraseña", PASSWORD + " new")
    b.click("Cambiar", pw)
    b.toast("Contraseña cambiada")
    assert api.try_login(email, PASSWORD + " new"), "the changed password does not sign in"
    # A password change ends every session of the account, this one included.
    b.driver.execute_script("sessionStorage.clear()")
    b.go("/login")
    b.css("form")
    return email, last


def board_cards(b):
    return [c for c in b.all("[data-testid=board-card]") if c.is_displayed()]


def find_card(b, offsets, want):
    """Moves the board to each day offset until a card satisfies `want`; returns it."""
    date_input = b.field("Fecha")
    for off in offsets:
        b.set_value(date_input, (clinic_today() + datetime.timedelta(days=off)).isoformat())
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
    # The board opens on the clinic's today (Query.clinic's zone), not the browser's: they differ for hours every day.
    zone = Api(b.base).gql("{ clinic { timeZone } }")["clinic"]["timeZone"]
    today = datetime.datetime.now(zoneinfo.ZoneInfo(zone)).date().isoformat()
    b.wait(lambda d: b.field("Fecha").get_attribute("value") == today, 15, f"the board on the clinic's today {today} ({zone})")
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


def card_by_id(b, aid):
    """The card's selector, once it is shown (pass it as a click scope: it is found again on every try)."""
    b.css(f"[data-id='{aid}']")
    return f"[data-id='{aid}']"


def reschedule_in_card(b, aid, day, at):
    """Opens "Cambiar" on the card, picks `day` and the slot `at`, confirms."""
    b.click("Cambiar", card_by_id(b, aid))
    box = b.css(f"[data-id='{aid}'] .confirm-box")
    b.set_value(box.find_element(By.CSS_SELECTOR, "input[type=date]"), day)
    time.sleep(0.3)
    slot = b.wait(lambda d: next((x for x in d.find_elements(By.CSS_SELECTOR, f"[data-id='{aid}'] .slot") if x.text == at), False), 15, f"slot {at}")
    slot.click()
    b.shot("reschedule-picked")
    b.click("Confirmar cambio", card_by_id(b, aid))
    b.toast("Cita cambiada")


def cancel_in_card(b, aid, reason):
    b.click("Cancelar cita", card_by_id(b, aid))
    b.css(f"[data-id='{aid}'] .confirm-box")
    b.fill("Motivo de la cancelación (opcional)", reason)
    b.shot("cancel-with-reason")
    b.click("Sí, cancelar", card_by_id(b, aid))
    b.toast("Cita cancelada")


def scenario_staff_appointments(b, api, stamp):
    """A caller's appointments found across days, their reason edited, moved and
    cancelled with a reason, from the list and from the day board; paging, the
    status filter and the CSV of the filter. The data is made here through the API."""
    last = f"Llamada{stamp}"
    patient = api.register_patient("Rosa", last, f"walkin.{stamp}@example.test")
    doctor = api.first_doctor()
    day1, times1 = api.free_slots(doctor["id"], 3)
    a1 = api.book_for(patient, doctor["id"], day1, times1[0], "Dolor de espalda (e2e)")
    day2, times2 = api.free_slots(doctor["id"], 5, skip=day1)
    a2 = api.book_for(patient, doctor["id"], day2, times2[0], "Control (e2e)")

    sign_in(b, *ADMIN)
    if b.driver.get_window_size()["width"] <= 720:
        b.click("Menú")
        b.css("nav#nav.open")
        b.shot("admin-menu-open")
    b.click("EN")
    b.text_present("Day board")
    b.go("/admin/appointments")
    b.text_present("Download CSV")
    b.no_loading()
    b.shot("admin-appointments-english")
    b.click("ES")
    b.text_present("Descargar CSV")
    b.css("h1")
    b.no_loading()
    b.shot("admin-appointments")
    b.fill("Hasta", (clinic_today() + datetime.timedelta(days=60)).isoformat())
    b.fill("Buscar paciente", last)
    b.wait(lambda d: len(Select(b.field("Paciente")).options) > 1, 15, "patient option")
    Select(b.field("Paciente")).select_by_value(patient)
    b.wait(lambda d: len(b.ids()) == 2, 15, "the caller's two appointments")
    b.shot("admin-appointments-filtered")

    # Edit the reason.
    b.click("Editar motivo", card_by_id(b, a1))
    b.fill("Motivo de la consulta", "Dolor lumbar desde el lunes (e2e)")
    b.click("Guardar motivo", card_by_id(b, a1))
    b.toast("Motivo guardado")
    assert api.appointment(a1)["reason"] == "Dolor lumbar desde el lunes (e2e)", api.appointment(a1)

    # Reschedule to another free slot of the same doctor.
    new_day, new_times = api.free_slots(doctor["id"], 8, skip=day2)
    reschedule_in_card(b, a1, new_day, new_times[-1])
    got = api.appointment(a1)
    assert (got["date"], got["time"]) == (new_day, new_times[-1]), got

    # Cancel with a reason.
    b.no_loading()
    cancel_in_card(b, a1, "El paciente llamó para cancelar")
    assert api.appointment(a1)["status"] == "CANCELLED", api.appointment(a1)
    b.wait(lambda d: d.find_elements(By.CSS_SELECTOR, f"[data-id='{a1}'] .badge-cancelled"), 15, "cancelled badge")
    shown = b.css(f"[data-id='{a1}'] [data-testid=cancellation-reason]").text
    assert "El paciente llamó para cancelar" in shown, shown
    b.shot("admin-appointments-cancelled")

    # Status filter and the CSV of the current filter.
    b.field("Cancelada").click()
    b.wait(lambda d: b.ids() == [a1], 15, "only the cancelled one")
    for f in glob.glob(os.path.join(b.downloads, "*.csv")):
        os.remove(f)
    b.click("Descargar CSV")
    b.toast("CSV descargado (1 filas)")
    b.wait(lambda d: glob.glob(os.path.join(b.downloads, "*.csv")), 15, "CSV file")
    time.sleep(0.5)
    with open(glob.glob(os.path.join(b.downloads, "*.csv"))[0], encoding="utf-8") as fh:
        lines = fh.read().strip().splitlines()
    assert len(lines) == 2 and a1 in lines[1] and "CANCELLED" in lines[1], lines
    assert lines[0].endswith(",cancellationReason") and lines[1].endswith(",El paciente llamó para cancelar"), lines
    b.field("Cancelada").click()

    # Keyset paging over every patient's appointments in four months.
    Select(b.field("Paciente")).select_by_value("")
    b.fill("Desde", (clinic_today() - datetime.timedelta(days=60)).isoformat())
    total = api.gql("query($f: AppointmentFilter) { appointments(filter: $f, first: 0) { totalCount } }",
                    {"f": {"from": (clinic_today() - datetime.timedelta(days=60)).isoformat(),
                           "to": (clinic_today() + datetime.timedelta(days=60)).isoformat()}}, ADMIN)["appointments"]["totalCount"]
    assert total > 25, f"only {total} appointments to page through"
    b.text_present(f"1–25 de {total}")
    first_page = b.ids()
    b.click("Siguiente", b.css("nav.pager"))
    b.text_present(f"26–{min(50, total)} de {total}")
    b.wait(lambda d: b.ids() and b.ids() != first_page, 15, "the second page's cards")
    second_page = b.ids()
    assert not set(first_page) & set(second_page), "pages overlap"
    b.shot("admin-appointments-page2")
    b.click("Anterior", b.css("nav.pager"))
    b.text_present(f"1–25 de {total}")

    # The same actions on the day board: move the second one within its day, then cancel it.
    b.go("/admin/board")
    b.set_value(b.field("Fecha"), day2)
    card_by_id(b, a2)
    reschedule_in_card(b, a2, day2, times2[1])
    got = api.appointment(a2)
    assert (got["date"], got["time"]) == (day2, times2[1]), got
    b.no_loading()
    cancel_in_card(b, a2, "Reagendará por teléfono")
    assert api.appointment(a2)["status"] == "CANCELLED", api.appointment(a2)
    b.shot("admin-board-cancelled")

    # The caller's page: history, no-shows, contact edit, and booking again from there.
    b.go("/admin/patients")
    b.fill("Buscar por nombre, teléfono o correo", last)
    b.click(f"Rosa {last}")
    b.wait(lambda d: d.find_element(By.TAG_NAME, "h1").text == f"Rosa {last}", 15, "the patient's page")
    b.wait(lambda d: len(d.find_elements(By.CSS_SELECTOR, "[data-testid=history] .badge-cancelled")) == 2, 15, "two cancelled in the history")
    assert b.css("[data-testid=no-shows]").text == "0"
    b.shot("admin-patient-page")
    b.click("Editar paciente")
    b.fill("Teléfono", "+525544443333")
    b.click("Guardar paciente")
    b.toast("Datos del paciente guardados")
    b.wait(lambda d: d.find_element(By.CSS_SELECTOR, "[data-testid=patient-phone]").text == "+525544443333", 15, "new phone shown")
    user = api.gql("query($id: ID!) { patient(id: $id) { user { phone } } }", {"id": patient}, ADMIN)["patient"]["user"]
    assert user["phone"] == "+525544443333", user
    b.click("Reservar cita")
    b.css(".chip").click()
    b.css(".card-button").click()
    booked_day, booked_at = pick_slot(b, 6)
    b.fill("Motivo", "Nueva cita por teléfono (e2e)")
    b.click("Continuar")
    b.css(".summary")
    assert f"Rosa {last}" in b.css(".summary").text
    b.click("Confirmar cita")
    b.toast("Cita reservada")
    active = api.gql("query($id: ID!) { patient(id: $id) { appointments(filter: {status: [SCHEDULED]}) { nodes { date time reason } } } }",
                     {"id": patient}, ADMIN)["patient"]["appointments"]["nodes"]
    assert active == [{"date": booked_day.isoformat(), "time": booked_at, "reason": "Nueva cita por teléfono (e2e)"}], active
    sign_out(b)


def scenario_front_desk(b, api, stamp):
    """A new patient calls: registered without email at the front desk (no login yet), a second
    registration of the same phone and date of birth refused, found by phone typed another way,
    their email and notes set on their page, the invitation sent; the report lists cancellations
    by reason."""
    last = f"Telefono{stamp}"
    digits = f"55{int(stamp) % 100000000:08d}"
    phone = f"+52 {digits[:2]} {digits[2:6]} {digits[6:]}"
    sign_in(b, *ADMIN)
    b.go("/admin/patients")
    b.no_loading()
    b.click("Nuevo paciente")
    form = "[data-testid=register-patient]"
    b.css(form)
    b.fill("Nombre", "Marta")
    b.fill("Apellidos", last)
    b.fill("Teléfono", "5512")
    b.fill("Fecha de nacimiento", "1979-11-23")
    b.shot("front-desk-new-patient")
    b.click("Registrar paciente", form)
    b.wait(lambda d: d.find_elements(By.CSS_SELECTOR, form + " .has-error small.error"), 15, "phone field error")
    b.shot("front-desk-new-patient-error")
    b.fill("Teléfono", phone)
    b.click("Registrar paciente", form)
    b.toast("Paciente registrado")
    b.wait(lambda d: d.find_element(By.TAG_NAME, "h1").text == f"Marta {last}", 15, "the new patient's page")
    pid = urllib.parse.unquote(b.driver.current_url.rsplit("/", 1)[1])
    got = api.gql("query($id: ID!) { patient(id: $id) { dateOfBirth user { email phone hasLogin } } }", {"id": pid}, ADMIN)["patient"]
    assert got == {"dateOfBirth": "1979-11-23", "user": {"email": None, "phone": phone, "hasLogin": False}}, got
    assert "Sin cuenta" in b.css("[data-testid=patient-login]").text
    b.shot("front-desk-patient-page")

    # The same caller registered twice: CONFLICT, said next to the form.
    b.go("/admin/patients")
    b.click("Nuevo paciente")
    b.fill("Nombre", "Marta")
    b.fill("Apellidos", last + "B")
    b.fill("Teléfono", f"+52 ({digits[:2]}) {digits[2:6]}-{digits[6:]}")
    b.fill("Fecha de nacimiento", "1979-11-23")
    b.click("Registrar paciente", form)
    b.text_present("phone number and date of birth")
    b.shot("front-desk-duplicate")
    b.click("Cerrar", form)

    # Found by phone, typed another way (a dash, no country code; the stamp is also in other test emails, the dash is not).
    b.fill("Buscar por nombre, teléfono o correo", f"{digits[2:6]}-{digits[6:]}")
    b.wait(lambda d: [x.text for x in d.find_elements(By.CSS_SELECTOR, "tbody tr a")] == [f"Marta {last}"], 15, "found by phone, alone")
    b.shot("front-desk-found-by-phone")
    b.click(f"Marta {last}")
    b.wait(lambda d: d.find_element(By.TAG_NAME, "h1").text == f"Marta {last}", 15, "the patient's page")

    # Email and notes; then the invitation (a reset link) gives them a login.
    b.click("Editar paciente")
    edit = "[data-testid=edit-patient]"
    b.css(edit)
    b.fill("Correo electrónico", f"marta.{stamp}@example.test")
    b.fill("Notas de recepción", "Prefiere llamadas por la tarde (e2e)")
    b.shot("front-desk-edit")
    b.click("Guardar paciente", edit)
    b.toast("Datos del paciente guardados")
    b.wait(lambda d: "Prefiere llamadas" in d.find_element(By.CSS_SELECTOR, "[data-testid=patient-notes]").text, 15, "notes shown")
    got = api.gql("query($id: ID!) { patient(id: $id) { notes user { email hasLogin } } }", {"id": pid}, ADMIN)["patient"]
    assert got == {"notes": "Prefiere llamadas por la tarde (e2e)", "user": {"email": f"marta.{stamp}@example.test", "hasLogin": False}}, got
    b.click("Enviar invitación")
    b.toast("Invitación enviada")
    b.shot("front-desk-invited")
    actions = api.gql('{ auditLog(action: "auth.password_reset_request", first: 5) { nodes { targetId } } }', None, SUPERADMIN)["auditLog"]["nodes"]
    user_id = api.gql("query($id: ID!) { patient(id: $id) { user { id } } }", {"id": pid}, ADMIN)["patient"]["user"]["id"]
    assert any(n["targetId"] == user_id for n in actions), actions

    # The report's cancellations by reason (the staff scenario cancelled with reasons).
    b.go("/admin/reports")
    b.css("[data-testid=cancellations-by-reason]")
    b.no_loading()
    b.shot("front-desk-report-reasons")
    sign_out(b)


def monday(day):
    return day - datetime.timedelta(days=day.weekday())


def grid_to_week_of(b, day):
    """Moves the week grid from the week it shows (the browser's this week) to the week holding `day`."""
    for _ in range(60):
        b.no_loading()
        shown = b.css("td[data-date]").get_attribute("data-date")
        weeks = (monday(day) - monday(datetime.date.fromisoformat(shown))).days // 7
        if weeks == 0:
            break
        b.click("Semana siguiente" if weeks > 0 else "Semana anterior")
        b.wait(lambda d: b.css("td[data-date]").get_attribute("data-date") != shown, 15, "the next week")
    b.css(f"td[data-date='{day.isoformat()}']")


def wait_cell(b, day, at, kind, text=""):
    """Waits until the grid cell of `day` at `at` is of `kind` (and shows `text`)."""
    sel = f"td[data-date='{day}'][data-time='{at}']"
    b.wait(lambda d: next((c for c in d.find_elements(By.CSS_SELECTOR, sel) if c.get_attribute("data-kind") == kind and text in c.text), False),
           15, f"{kind} cell {day} {at}")


def local_input(iso_instant):
    """An API instant as the browser's datetime-local value (same machine, same zone)."""
    return datetime.datetime.fromisoformat(iso_instant.replace("Z", "+00:00")).astimezone().strftime("%Y-%m-%dT%H:%M")


def doctor_by_search(api, text):
    return api.gql("""query($s: String) { doctors(filter: {search: $s}, first: 5) { nodes { id specialization consultationFee bio isAvailable
        workingHours { weekday start end slotMinutes } } } }""", {"s": text})["doctors"]["nodes"]


def check_load_more(b, api, total_query, as_user, row_selector, page=50):
    """A list of `page` rows offers "Cargar más" exactly when the API holds more, and loading adds the next page."""
    total = api.gql(total_query, None, as_user)
    total = next(iter(total.values()))["totalCount"]
    b.no_loading()
    b.wait(lambda d: len(d.find_elements(By.CSS_SELECTOR, row_selector)) == min(page, total), 15, f"{min(page, total)} rows")
    more = [x for x in b.all("button") if x.text == "Cargar más"]
    assert bool(more) == (total > page), f"total {total}, load-more shown: {bool(more)}"
    if more:
        b.click("Cargar más")
        b.wait(lambda d: len(d.find_elements(By.CSS_SELECTOR, row_selector)) == min(2 * page, total), 15, "the next page")
    return total


def scenario_admin_screens(b, api, stamp):
    """A new doctor created and edited, weekly hours and time off saved, the
    calendar showing the time off, and a notice sent: each read back through the API."""
    last = f"Nuevo{stamp}"
    sign_in(b, *ADMIN)
    b.go("/admin/patients")
    b.css("h1")
    check_load_more(b, api, "{ patients(first: 0) { totalCount } }", ADMIN, "tbody tr")
    b.shot("admin-patients-paged")
    b.go("/admin/doctors")
    b.css("h1")
    b.no_loading()
    b.click("Nuevo médico")
    form = b.css("form[aria-label='Nuevo médico']")
    for label, value in (("Nombre", "Elena"), ("Apellidos", last), ("Correo electrónico", f"dr.{stamp}@example.test"),
                         ("Contraseña inicial", PASSWORD), ("Cédula profesional", f"LIC-{stamp}"), ("Especialidad", "Dermatología"),
                         ("Años de experiencia", "7"), ("Costo de consulta", "550.00"), ("Presentación", "Dermatóloga (e2e)")):
        b.fill(label, value)
    b.shot("admin-doctor-new")
    b.click("Crear médico", form)
    b.toast("Médico creado")
    found = doctor_by_search(api, last)
    assert len(found) == 1 and found[0]["specialization"] == "Dermatología" and found[0]["consultationFee"] == "550.00", found
    did = found[0]["id"]

    b.fill("Buscar por nombre o especialidad", last)
    card = f"[data-testid=doctor][data-id='{did}']"
    # Typing reloads the list once per key: click when it shows only the search's result.
    b.wait(lambda d: b.ids("[data-testid=doctor]") == [did], 15, "the searched doctor alone")
    b.no_loading()
    b.click("Editar", card)
    edit = b.css("form[aria-label='Editar médico']")
    b.fill("Costo de consulta", "620.00")
    b.fill("Presentación", "Dermatología clínica y pediátrica (e2e)")
    b.fill("Cédula profesional", f"LIC-{stamp}-B")
    b.fill("Margen después de cada cita (min)", "10")
    b.click("Guardar médico", edit)
    b.toast("Médico guardado")
    got = doctor_by_search(api, last)[0]
    assert (got["consultationFee"], got["bio"]) == ("620.00", "Dermatología clínica y pediátrica (e2e)"), got
    saved = api.gql("query($id: ID!) { doctor(id: $id) { licenseNumber bufferBeforeMinutes bufferAfterMinutes } }", {"id": did})["doctor"]
    assert saved == {"licenseNumber": f"LIC-{stamp}-B", "bufferBeforeMinutes": 0, "bufferAfterMinutes": 10}, saved
    # Back to no buffers: the hours and bookings below count on back-to-back slots.
    api.gql("mutation($id: ID!) { updateDoctor(id: $id, input: {bufferAfterMinutes: 0}) { id } }", {"id": did}, ADMIN)

    # Weekly hours: Monday and Wednesday mornings.
    b.click("Horario y ausencias", card)
    b.css(".editor h3")
    b.click("Añadir franja")
    b.click("Añadir franja")
    rows = b.all(".editor .row select")
    Select(rows[1]).select_by_value("3")
    b.shot("admin-doctor-hours")
    b.click("Guardar horario")
    b.toast("Horario guardado")
    hours = sorted((h["weekday"], h["start"], h["end"]) for h in doctor_by_search(api, last)[0]["workingHours"])
    assert hours == [(1, "09:00", "13:00"), (3, "09:00", "13:00")], hours

    # Time off over the first hour of the next Monday with free slots.
    for i in range(1, 30):
        monday_day = clinic_today() + datetime.timedelta(days=i)
        if monday_day.weekday() == 0:
            break
    slots = api.gql("query($d: ID!, $date: Date!) { availableSlots(doctorId: $d, date: $date) { time startsAt endsAt } }",
                    {"d": did, "date": monday_day.isoformat()})["availableSlots"]
    assert len(slots) >= 3, slots
    b.fill("Desde", local_input(slots[0]["startsAt"]))
    b.fill("Hasta", local_input(slots[1]["endsAt"]))
    b.fill("Motivo", "Curso (e2e)")
    b.click("Registrar ausencia")
    b.toast("Ausencia registrada")
    day = api.gql("query($id: ID!, $d: Date!) { doctor(id: $id) { schedule(from: $d, to: $d) { slots { time available } } } }",
                  {"id": did, "d": monday_day.isoformat()})["doctor"]["schedule"][0]["slots"]
    free = {x["time"]: x["available"] for x in day}
    assert (free[slots[0]["time"]], free[slots[1]["time"]], free[slots[2]["time"]]) == (False, False, True), free
    b.shot("admin-doctor-time-off")
    b.click("Calendario", card)
    grid_to_week_of(b, monday_day)
    wait_cell(b, monday_day.isoformat(), slots[0]["time"], "off")
    b.shot("admin-doctor-calendar")

    # A notice to the patients with an appointment on a day made for it.
    patient = api.register_patient("Aviso", f"Aviso{stamp}", f"notice.{stamp}@example.test")
    doctor = api.first_doctor()
    nday, ntimes = api.free_slots(doctor["id"], 10)
    api.book_for(patient, doctor["id"], nday, ntimes[0], "Para el aviso (e2e)")
    b.go("/admin/notice")
    b.css("form")
    b.fill("Pacientes con cita el día", nday)
    b.fill("Asunto", f"Aviso e2e {stamp}")
    b.fill("Mensaje", "La clínica abrirá a las 9:30 ese día.")
    b.shot("admin-notice-filled")
    b.click("Enviar")
    b.toast("Aviso enviado a")
    subjects = [n["subject"] for n in api.gql("{ notifications(first: 20) { nodes { subject } } }", None,
                                                (f"notice.{stamp}@example.test", PASSWORD))["notifications"]["nodes"]]
    assert f"Aviso e2e {stamp}" in subjects, subjects
    sign_out(b)


def scenario_doctor(b, api, stamp):
    """The doctor's week grid shows a booking (with the patient) and time off, both made through the API."""
    me = api.gql("{ me { doctor { id } } }", None, DOCTOR)["me"]["doctor"]["id"]
    patient = api.register_patient("Tomás", f"Semana{stamp}", f"week.{stamp}@example.test")
    day, times = api.free_slots(me, 2)
    api.book_for(patient, me, day, times[0], "Revisión (e2e)")
    off_day, off_times = api.free_slots(me, 2, skip=day)
    off_from = api.gql("query($d: ID!, $date: Date!) { availableSlots(doctorId: $d, date: $date) { startsAt endsAt } }",
                       {"d": me, "date": off_day}, None)["availableSlots"][0]
    api.gql("mutation($i: TimeOffInput!) { addTimeOff(input: $i) { id } }",
            {"i": {"doctorId": me, "from": off_from["startsAt"], "to": off_from["endsAt"], "reason": "Congreso (e2e)"}}, ADMIN)

    sign_in(b, *DOCTOR)
    b.wait(lambda d: d.current_url.endswith("/doctor"), 15, "doctor agenda")
    b.no_loading()
    b.click("Semana")
    b.no_loading()
    b.shot("doctor-week")
    b.click("Calendario")
    b.no_loading()
    grid_to_week_of(b, datetime.date.fromisoformat(day))
    wait_cell(b, day, times[0], "booked", f"Semana{stamp}")
    b.shot("doctor-week-grid")
    b.go("/doctor")
    b.click("Calendario")
    b.no_loading()
    grid_to_week_of(b, datetime.date.fromisoformat(off_day))
    wait_cell(b, off_day, off_times[0], "off")
    b.shot("doctor-week-grid-time-off")
    # The booked patient's chart, from the grid's link.
    b.go("/doctor")
    b.click("Calendario")
    b.no_loading()
    grid_to_week_of(b, datetime.date.fromisoformat(day))
    wait_cell(b, day, times[0], "booked", f"Semana{stamp}")
    b.click(f"Tomás Semana{stamp}")
    b.wait(lambda d: d.find_element(By.TAG_NAME, "h1").text == f"Tomás Semana{stamp}", 15, "the patient's chart")
    b.no_loading()
    b.text_present("Revisión (e2e)")
    b.shot("doctor-patient-chart")
    sign_out(b)


def instant(iso):
    return datetime.datetime.fromisoformat(iso.replace("Z", "+00:00"))


def fill_in(b, scope, label, value):
    """Fills the field labelled `label` inside the element `scope` (a CSS selector): pages
    with a create form and an edit form repeat their labels."""
    lit = xpath_literal(label)
    lab = b.wait(lambda d: next((x for x in d.find_element(By.CSS_SELECTOR, scope).find_elements(By.XPATH, f".//label[normalize-space()={lit}]")
                                 if x.is_displayed()), False), 15, f"label {label!r} in {scope}")
    el = b.driver.find_element(By.ID, lab.get_attribute("for"))
    el.clear()
    el.send_keys(value)


def slot_range(api, doctor_id, day, at):
    """(startsAt, endsAt) of the free slot `at` of `day`."""
    slots = api.gql("query($d: ID!, $date: Date!) { availableSlots(doctorId: $d, date: $date) { time startsAt endsAt } }",
                    {"d": doctor_id, "date": day})["availableSlots"]
    s = next(x for x in slots if x["time"] == at)
    return s["startsAt"], s["endsAt"]


def scenario_doctor_day(b, api, stamp):
    """The doctor runs their day: completes one started visit, marks another as a no-show
    (the Swift test adds started visits of Dr. García, whatever the hour), writes clinical
    notes; a visit that has not started offers no closing buttons. Read back through the API."""
    me = api.gql("{ me { doctor { id } } }", None, DOCTOR)["me"]["doctor"]["id"]
    today = clinic_today()
    open_q = """query($d: ID!, $f: Date!, $t: Date!) { appointments(filter: {doctorId: $d, from: $f, to: $t, status: [SCHEDULED, CONFIRMED]},
        first: 100) { nodes { id date startsAt } } }"""
    nodes = api.gql(open_q, {"d": me, "f": (today - datetime.timedelta(days=3)).isoformat(),
                             "t": (today + datetime.timedelta(days=1)).isoformat()}, DOCTOR)["appointments"]["nodes"]
    now = datetime.datetime.now(datetime.timezone.utc)
    started_visits = [a for a in nodes if instant(a["startsAt"]) <= now]
    assert len(started_visits) >= 2, f"need two started open visits of the doctor, found {started_visits}"
    patient = api.register_patient("Olga", f"Futura{stamp}", f"future.{stamp}@example.test")
    day, times = api.free_slots(me, 2)
    future = api.book_for(patient, me, day, times[0], "Control (e2e, futuro)")

    sign_in(b, *DOCTOR)
    for visit, label, status, shot in ((started_visits[0], "Completar", "COMPLETED", "doctor-day-completed"),
                                       (started_visits[1], "No asistió", "NO_SHOW", "doctor-day-no-show")):
        card = f"[data-testid=visit][data-id='{visit['id']}']"
        b.go(f"/doctor?date={visit['date']}")
        b.no_loading()
        b.css(card)
        if status == "COMPLETED":
            b.shot("doctor-day")
        b.click(label, card)
        b.toast("Cita actualizada")
        b.wait(lambda d: api.appointment(visit["id"])["status"] == status, 15, f"{status} in the API")
        b.shot(shot)
    # Clinical notes of the completed visit.
    visit = started_visits[0]
    card = f"[data-testid=visit][data-id='{visit['id']}']"
    b.go(f"/doctor?date={visit['date']}")
    b.no_loading()
    b.click("Notas clínicas", card)
    notes = f"TA 120/80, control en 3 meses ({stamp})"
    fill_in(b, card, "Notas clínicas de la consulta", notes)
    b.shot("doctor-clinical-notes")
    b.click("Guardar notas", card)
    b.toast("Notas guardadas")
    got = api.gql("query($id: ID!) { appointment(id: $id) { clinicalNotes } }", {"id": visit["id"]}, DOCTOR)["appointment"]["clinicalNotes"]
    assert got == notes, got
    b.shot("doctor-clinical-notes-saved")
    # A visit that has not started cannot be closed yet.
    b.go(f"/doctor?date={day}")
    b.no_loading()
    fcard = b.css(f"[data-testid=visit][data-id='{future}']")
    assert not has_button(fcard, "Completar") and not has_button(fcard, "No asistió"), "closing buttons on a future visit"
    assert has_button(fcard, "Notas clínicas")
    b.shot("doctor-day-future")
    sign_out(b)
    # Staff read the doctor's clinical notes on the patient's page.
    pid = api.gql("query($id: ID!) { appointment(id: $id) { patient { id } } }", {"id": visit["id"]}, ADMIN)["appointment"]["patient"]["id"]
    sign_in(b, *ADMIN)
    b.go(f"/admin/patients/{pid}")
    b.no_loading()
    sel = f"[data-testid=board-card][data-id='{visit['id']}'] [data-testid=clinical-notes]"
    b.wait(lambda d: any(notes in e.text for e in d.find_elements(By.CSS_SELECTOR, sel)), 15, "the clinical notes on the staff card")
    b.shot("staff-sees-clinical-notes")
    sign_out(b)


def scenario_doctor_time_off(b, api, stamp):
    """The doctor requests time off (refused over an appointment, naming it), sees it on the
    grid, edits and removes it: each read back through the API."""
    me = api.gql("{ me { doctor { id } } }", None, DOCTOR)["me"]["doctor"]["id"]
    day, times = api.free_slots(me, 3)
    start, end = slot_range(api, me, day, times[0])
    busy_start, busy_end = slot_range(api, me, day, times[1])
    patient = api.register_patient("Raúl", f"Ocupado{stamp}", f"busy.{stamp}@example.test")
    api.book_for(patient, me, day, times[1], "Revisión (e2e)")
    mine_q = "query($f: Date) { timeOff(from: $f, first: 100) { nodes { id from reason } } }"

    sign_in(b, *DOCTOR)
    b.go("/doctor/time-off")
    b.css("h1")
    b.no_loading()
    b.shot("doctor-time-off")
    # Over the booked slot: refused, and the message names the appointment.
    b.fill("Desde", local_input(busy_start))
    b.fill("Hasta", local_input(busy_end))
    b.fill("Motivo", f"Curso {stamp}")
    b.click("Registrar ausencia")
    b.wait(lambda d: any(f"Ocupado{stamp}" in e.text for e in d.find_elements(By.CSS_SELECTOR, ".form-error")), 15, "the conflict naming the patient")
    b.shot("doctor-time-off-conflict")
    b.fill("Desde", local_input(start))
    b.fill("Hasta", local_input(end))
    b.click("Registrar ausencia")
    b.toast("Ausencia registrada")
    mine = [o for o in api.gql(mine_q, {"f": day}, DOCTOR)["timeOff"]["nodes"] if o["reason"] == f"Curso {stamp}"]
    assert len(mine) == 1 and instant(mine[0]["from"]) == instant(start), mine
    card = f"[data-testid=time-off][data-id='{mine[0]['id']}']"
    b.css(card)
    b.shot("doctor-time-off-added")
    # The grid shows it.
    b.go("/doctor")
    b.click("Calendario")
    b.no_loading()
    grid_to_week_of(b, datetime.date.fromisoformat(day))
    wait_cell(b, day, times[0], "off")
    wait_cell(b, day, times[1], "booked", f"Ocupado{stamp}")
    b.shot("doctor-grid-own-time-off")
    # Edit the reason, then remove it.
    b.go("/doctor/time-off")
    b.no_loading()
    b.click("Editar", card)
    fill_in(b, card, "Motivo", f"Curso editado {stamp}")
    b.click("Guardar ausencia", card)
    b.toast("Ausencia guardada")
    b.wait(lambda d: any(o["reason"] == f"Curso editado {stamp}" for o in api.gql(mine_q, {"f": day}, DOCTOR)["timeOff"]["nodes"]), 15, "edited reason")
    b.click("Quitar", card)
    b.click("Sí, quitar", card)
    b.toast("Ausencia quitada")
    b.wait(lambda d: not any(o["id"] == mine[0]["id"] for o in api.gql(mine_q, {"f": day}, DOCTOR)["timeOff"]["nodes"]), 15, "time off removed")
    b.shot("doctor-time-off-removed")
    sign_out(b)


def fetch_feed(api, url):
    """GET of a calendar feed URL on the server under test (the URL names CLINIC_PUBLIC_URL's host): (status, type, text)."""
    path = url[url.index("/calendar/"):]
    try:
        with urllib.request.urlopen(api.base + path, timeout=30) as r:
            return r.status, r.headers.get("Content-Type"), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read().decode()


def scenario_doctor_calendar_feed(b, api, stamp):
    """The doctor creates their calendar feed URL, sees and rotates it: each URL read back
    through the API and fetched (the old one 404 after rotation, the new one lists a booking
    made through the API, without its reason)."""
    me = api.gql("{ me { doctor { id } } }", None, DOCTOR)["me"]["doctor"]["id"]
    day, times = api.free_slots(me, 2)
    patient = api.register_patient("Feed", f"Suscrita{stamp}", f"feed.{stamp}@example.test")
    api.book_for(patient, me, day, times[0], f"Motivo clínico {stamp}")
    feed_q = "{ me { doctor { calendarFeedUrl } } }"

    sign_in(b, *DOCTOR)
    b.go("/doctor/calendar")
    b.css("h1")
    b.no_loading()
    before = api.gql(feed_q, None, DOCTOR)["me"]["doctor"]["calendarFeedUrl"]
    if before is None:
        b.shot("doctor-calendar-feed-none")
        b.click("Crear dirección")
        b.toast("Dirección creada")
    first = b.wait(lambda d: api.gql(feed_q, None, DOCTOR)["me"]["doctor"]["calendarFeedUrl"], 15, "the feed URL in the API")
    b.wait(lambda d: d.find_element(By.CSS_SELECTOR, "[data-testid=calendar-feed-url]").get_attribute("value") == first, 15, "the URL on the page")
    b.shot("doctor-calendar-feed")
    status, ctype, text = fetch_feed(api, first)
    assert status == 200 and ctype == "text/calendar; charset=utf-8", (status, ctype)
    assert "BEGIN:VCALENDAR" in text and f"Feed Suscrita{stamp}" in text.replace("\r\n ", ""), text[:500]
    assert f"Motivo clínico {stamp}" not in text, "the reason is clinical text: never in the feed"
    # Rotate: confirm first, then the old URL is dead and the page shows the new one.
    b.click("Crear una dirección nueva")
    b.click("Sí, crear nueva")
    b.toast("Dirección nueva creada")
    second = b.wait(lambda d: (u := api.gql(feed_q, None, DOCTOR)["me"]["doctor"]["calendarFeedUrl"]) != first and u, 15, "a new URL")
    b.wait(lambda d: d.find_element(By.CSS_SELECTOR, "[data-testid=calendar-feed-url]").get_attribute("value") == second, 15, "the new URL on the page")
    assert fetch_feed(api, first)[0] == 404, "the old URL still answers"
    assert fetch_feed(api, second)[0] == 200
    b.shot("doctor-calendar-feed-rotated")
    sign_out(b)


def scenario_time_off_and_closures(b, api, stamp):
    """Staff: the time-off list across doctors (edit, remove) and clinic closures
    (refused over an appointment, created, seen on a doctor's calendar, edited, removed)."""
    me = api.gql("{ me { doctor { id } } }", None, DOCTOR)["me"]["doctor"]["id"]
    day, times = api.free_slots(me, 5)
    start, end = slot_range(api, me, day, times[0])
    api.gql("mutation($i: TimeOffInput!) { addTimeOff(input: $i) { id } }",
            {"i": {"doctorId": me, "from": start, "to": end, "reason": f"Congreso {stamp}"}}, ADMIN)
    list_q = "query($d: ID, $f: Date) { timeOff(doctorId: $d, from: $f, first: 100) { nodes { id reason } } }"
    off = next(o for o in api.gql(list_q, {"d": me, "f": day}, ADMIN)["timeOff"]["nodes"] if o["reason"] == f"Congreso {stamp}")

    sign_in(b, *ADMIN)
    b.go("/admin/time-off")
    b.css("h1")
    b.no_loading()
    Select(b.field("Médico")).select_by_value(me)
    card = f"[data-testid=time-off][data-id='{off['id']}']"
    for _ in range(10):  # the list pages by 25 from today
        b.no_loading()
        if b.all(card) or not [x for x in b.all("button") if x.text == "Cargar más"]:
            break
        b.click("Cargar más")
    b.css(card)
    b.shot("admin-time-off")
    b.click("Editar", card)
    fill_in(b, card, "Motivo", f"Congreso editado {stamp}")
    b.click("Guardar ausencia", card)
    b.toast("Ausencia guardada")
    b.wait(lambda d: any(o["reason"] == f"Congreso editado {stamp}" for o in api.gql(list_q, {"d": me, "f": day}, ADMIN)["timeOff"]["nodes"]), 15, "edited")
    b.click("Quitar", card)
    b.click("Sí, quitar", card)
    b.toast("Ausencia quitada")
    b.wait(lambda d: not any(o["id"] == off["id"] for o in api.gql(list_q, {"d": me, "f": day}, ADMIN)["timeOff"]["nodes"]), 15, "removed")
    b.shot("admin-time-off-removed")

    # Closures. Over a day with an appointment: refused, naming it.
    patient = api.register_patient("Irene", f"Cierre{stamp}", f"closure.{stamp}@example.test")
    busy_day, busy_times = api.free_slots(me, 4)
    api.book_for(patient, me, busy_day, busy_times[0], "Revisión (e2e)")
    active_q = "query($d: Date!) { appointments(filter: {from: $d, to: $d, status: [SCHEDULED, CONFIRMED]}, first: 0) { totalCount } }"
    closed = next(d.isoformat() for d in (weekday_from(60 + i) for i in range(60))
                  if api.gql(active_q, {"d": d.isoformat()}, ADMIN)["appointments"]["totalCount"] == 0)
    b.go("/admin/closures")
    b.css("h1")
    b.no_loading()
    b.shot("admin-closures")
    b.fill("Primer día", busy_day)
    b.fill("Motivo del cierre", f"Feriado {stamp}")
    b.click("Registrar cierre")
    b.wait(lambda d: any(f"Cierre{stamp}" in e.text for e in d.find_elements(By.CSS_SELECTOR, ".form-error")), 15, "the conflict naming the patient")
    b.shot("admin-closure-conflict")
    b.fill("Primer día", closed)
    b.click("Registrar cierre")
    b.toast("Cierre registrado")
    closures_q = "query($f: Date) { closures(from: $f, first: 100) { nodes { id firstDay lastDay reason } } }"
    made = next(c for c in api.gql(closures_q, {"f": closed}, ADMIN)["closures"]["nodes"] if c["reason"] == f"Feriado {stamp}")
    assert made["firstDay"] == closed and made["lastDay"] == closed, made
    week = api.gql("query($d: ID!, $f: Date!) { doctor(id: $d) { schedule(from: $f, to: $f) { slots { time state } } } }",
                   {"d": me, "f": closed}, ADMIN)["doctor"]["schedule"][0]["slots"]
    assert week and all(x["state"] == "CLOSED" for x in week), week
    card = f"[data-testid=closure][data-id='{made['id']}']"
    b.css(card)
    b.shot("admin-closure-added")
    # The doctor's calendar (staff) shows the day closed.
    b.go("/admin/doctors")
    b.no_loading()
    b.click("Calendario", f"[data-testid=doctor][data-id='{me}']")
    b.no_loading()
    grid_to_week_of(b, datetime.date.fromisoformat(closed))
    wait_cell(b, closed, week[0]["time"], "closed", "Cerrado")
    b.shot("admin-calendar-closed")
    b.go("/admin/closures")
    b.no_loading()
    b.click("Editar", card)
    fill_in(b, card, "Motivo del cierre", f"Feriado editado {stamp}")
    b.click("Guardar cierre", card)
    b.toast("Cierre guardado")
    b.wait(lambda d: any(c["reason"] == f"Feriado editado {stamp}" for c in api.gql(closures_q, {"f": closed}, ADMIN)["closures"]["nodes"]), 15, "edited closure")
    b.click("Quitar", card)
    b.click("Sí, quitar", card)
    b.toast("Cierre quitado")
    b.wait(lambda d: not any(c["id"] == made["id"] for c in api.gql(closures_q, {"f": closed}, ADMIN)["closures"]["nodes"]), 15, "closure removed")
    b.shot("admin-closure-removed")
    sign_out(b)


def scenario_superadmin(b, api, stamp, last):
    sign_in(b, "superadmin@clinic.test", "superadmin-demo-pass")
    b.wait(lambda d: d.current_url.endswith("/super/users"), 15, "users page")
    check_load_more(b, api, "{ users(first: 0) { totalCount } }", SUPERADMIN, "tbody tr")
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

    # Create a user, deactivate, delete: each read back through the API.
    ulast = f"Usuario{stamp}"
    b.click("Nuevo usuario")
    form = b.css("form[aria-label='Nuevo usuario']")
    for label, value in (("Nombre", "Iván"), ("Apellidos", ulast), ("Correo electrónico", f"user.{stamp}@example.test"),
                         ("Contraseña inicial", PASSWORD), ("Teléfono (opcional)", "+525512340000")):
        b.fill(label, value)
    Select(form.find_element(By.TAG_NAME, "select")).select_by_value("ADMIN")
    b.shot("super-user-new")
    b.click("Crear usuario", form)
    b.toast("Usuario creado")
    users_q = "query($s: String) { users(search: $s, first: 5) { nodes { id role isActive } } }"
    got = api.gql(users_q, {"s": ulast}, SUPERADMIN)["users"]["nodes"]
    assert len(got) == 1 and got[0]["role"] == "ADMIN" and got[0]["isActive"], got
    b.fill("Buscar", ulast)
    row = b.wait(lambda d: next((r for r in d.find_elements(By.CSS_SELECTOR, "tbody tr") if ulast in r.text), False), 15, "the new user's row")
    row.find_element(By.CSS_SELECTOR, "input[type=checkbox]").click()
    b.toast("Usuario actualizado")
    b.wait(lambda d: not api.gql(users_q, {"s": ulast}, SUPERADMIN)["users"]["nodes"][0]["isActive"], 15, "user deactivated in the API")
    b.shot("super-user-deactivated")
    b.click(f"Eliminar a Iván {ulast}")
    b.click("Sí, eliminar")
    b.toast("Usuario eliminado")
    assert api.gql(users_q, {"s": ulast}, SUPERADMIN)["users"]["nodes"] == [], "deleted user still listed"
    b.shot("super-user-deleted")

    # A CLIENT created with a date of birth gets a patient profile: staff can book for them.
    plast = f"Paciente{stamp}"
    b.click("Nuevo usuario")
    form = b.css("form[aria-label='Nuevo usuario']")
    for label, value in (("Nombre", "Pía"), ("Apellidos", plast), ("Correo electrónico", f"client.{stamp}@example.test"),
                         ("Contraseña inicial", PASSWORD)):
        b.fill(label, value)
    b.fill("Fecha de nacimiento (paciente)", "1988-03-04")
    b.shot("super-user-new-patient")
    b.click("Crear usuario", form)
    patient_q = "query($s: String) { users(search: $s, first: 5) { nodes { role patient { dateOfBirth } } } }"
    b.wait(lambda d: api.gql(patient_q, {"s": plast}, SUPERADMIN)["users"]["nodes"] == [{"role": "CLIENT", "patient": {"dateOfBirth": "1988-03-04"}}],
           15, "the new CLIENT with a patient profile")

    # Settings saved.
    b.go("/super/settings")
    b.css("h1")
    b.no_loading()
    b.shot("super-settings")
    b.fill("Nombre de la clínica", f"Clínica e2e {stamp}")
    b.fill("Recordatorios por correo (minutos antes)", "60, 720")
    b.fill("Antelación mínima para pacientes (min)", "90")
    b.fill("Minutos que se guarda una oferta de la lista de espera", "45")
    b.fill("Correo de recepción para esos avisos (vacío: ninguno)", f"Recepcion.{stamp}@Example.test")
    b.click("Guardar")
    b.toast("Configuración guardada")
    got = api.gql("{ systemSettings { clinicName reminderHoursBefore emailReminderOffsetsMinutes minimumNoticeMinutes waitlistHoldMinutes frontDeskEmail } }",
                  None, SUPERADMIN)["systemSettings"]
    # reminderHoursBefore reads the longest offset of both lists (SMS keeps 1440); the address is stored lowercased.
    assert got == {"clinicName": f"Clínica e2e {stamp}", "reminderHoursBefore": 24, "emailReminderOffsetsMinutes": [720, 60],
                   "minimumNoticeMinutes": 90, "waitlistHoldMinutes": 45, "frontDeskEmail": f"recepcion.{stamp}@example.test"}, got
    # A reminder list the API refuses is shown at its field.
    b.fill("Recordatorios por correo (minutos antes)", "1")
    b.click("Guardar")
    b.wait(lambda d: "between 5 and 43200" in d.page_source, 15, "the offset's error next to its field")
    b.fill("Recordatorios por correo (minutos antes)", "1440, 120")
    b.fill("Antelación mínima para pacientes (min)", "120")
    b.fill("Correo de recepción para esos avisos (vacío: ninguno)", "not-an-address")
    b.click("Guardar")
    b.wait(lambda d: "not a valid email address" in d.page_source, 15, "the front desk address's error next to its field")
    # Emptied through the native setter: clear() does not reach React's onChange. Read back through the
    # API rather than the toast, which may still show from the save above.
    b.set_value(b.field("Correo de recepción para esos avisos (vacío: ninguno)"), "")
    b.click("Guardar")
    b.wait(lambda d: api.gql("{ systemSettings { frontDeskEmail } }", None, SUPERADMIN)["systemSettings"]["frontDeskEmail"] is None,
           15, "the front desk address removed")

    # The superadmin's report figures match the API's.
    b.go("/admin/reports")
    b.css("[data-testid=advanced-figures]")
    frm = (clinic_today() - datetime.timedelta(days=30)).isoformat()
    rep = api.gql("query($f: Date!, $t: Date!) { report(from: $f, to: $t) { revenue utilization } }",
                  {"f": frm, "t": clinic_today().isoformat()}, SUPERADMIN)["report"]
    b.wait(lambda d: d.find_element(By.CSS_SELECTOR, "[data-testid=revenue]").text == "$" + rep["revenue"], 15, "revenue figure")
    assert b.css("[data-testid=utilization]").text == f"{rep['utilization'] * 100:.1f}%"
    b.driver.execute_script("document.querySelector('[data-testid=advanced-figures]').scrollIntoView()")
    time.sleep(0.5)
    b.shot("super-reports")

    b.go("/super/audit")
    b.css("h1")
    b.no_loading()
    b.shot("super-audit")
    before = len(b.all("tbody tr"))
    assert before > 0, "empty audit log after mutations"
    if any(x.text == "Cargar más" for x in b.all("button")):
        b.click("Cargar más")
        b.wait(lambda d: len(d.find_elements(By.CSS_SELECTOR, "tbody tr")) > before, 15, "next audit page")

    b.go("/super/backups")
    b.css("h1")
    b.no_loading()
    count = len(api.gql("{ backups { id } }", None, SUPERADMIN)["backups"])
    b.click("Crear respaldo")
    b.toast("Respaldo creado", 60)
    assert len(api.gql("{ backups { id } }", None, SUPERADMIN)["backups"]) == count + 1
    # The daily backup's schedule (left disabled: no worker backup runs during the e2e).
    b.fill("Conservar archivos (0: sin límite)", "5")
    b.fill("Hora (hora local de la clínica)", "04:15")
    b.click("Guardar programación")
    b.toast("Programación guardada")
    schedule = api.gql("{ backupSchedule { enabled time retentionCount } }", None, SUPERADMIN)["backupSchedule"]
    assert schedule == {"enabled": False, "time": "04:15", "retentionCount": 5}, schedule
    b.text_present("Desactivado.")
    b.shot("super-backups")
    sign_out(b)


def scenario_backup_restore(b, api, stamp):
    """Last on purpose: the superadmin restores the backup it has just taken, through the typed
    confirmation; what changed after the backup (the clinic's name) comes back, and the safety
    backup of the replaced data is listed. Everything before the backup is what it was."""
    settings_q = "{ systemSettings { clinicName } }"
    sign_in(b, "superadmin@clinic.test", "superadmin-demo-pass")
    b.wait(lambda d: d.current_url.endswith("/super/users"), 15, "users page")
    name_before = api.gql(settings_q, None, SUPERADMIN)["systemSettings"]["clinicName"]
    b.go("/super/backups")
    b.css("h1")
    b.no_loading()
    before = {x["fileName"] for x in api.gql("{ backups { fileName } }", None, SUPERADMIN)["backups"]}
    b.click("Crear respaldo")
    b.toast("Respaldo creado", 60)
    made = [x for x in api.gql("{ backups { fileName } }", None, SUPERADMIN)["backups"] if x["fileName"] not in before]
    assert len(made) == 1, made
    archive = made[0]["fileName"]
    api.gql("mutation($n: String!) { updateSystemSettings(input: {clinicName: $n}) { clinicName } }", {"n": f"Cambiada {stamp}"}, SUPERADMIN)
    b.go("/super/backups")
    b.no_loading()
    b.click(f"Restaurar {archive}")
    panel = b.css("section[aria-labelledby='restore-title']")
    label = f"Escriba {archive} para confirmar"
    b.fill(label, archive[:-1])
    submit = panel.find_element(By.XPATH, ".//button[normalize-space()='Restaurar ahora']")
    assert not submit.is_enabled(), "the restore button waits for the exact name"
    b.shot("super-restore-confirm")
    b.fill(label, archive)
    b.click("Restaurar ahora", panel)
    b.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=restore-done]"), 120, "the restore's result")
    done = b.css("[data-testid=restore-done]").text
    b.shot("super-restore-done")
    got = api.gql(settings_q, None, SUPERADMIN)["systemSettings"]["clinicName"]
    assert got == name_before, f"clinic name after the restore: {got!r}, expected {name_before!r}"
    listed = {x["fileName"] for x in api.gql("{ backups { fileName } }", None, SUPERADMIN)["backups"]}
    safety = [n for n in listed if n not in before and n != archive]
    assert archive in listed and len(safety) == 1 and safety[0] in done, (listed, done)
    b.click("Cerrar")
    b.wait(lambda d: safety[0] in d.find_element(By.TAG_NAME, "body").text, 15, "the safety backup in the list")
    sign_out(b)


def scenario_waitlist(b, api, stamp, worker):
    """The waitlist end to end: a patient with no free time on a day joins from the booking page,
    joins and leaves a second list, staff remove a third entry; a cancellation frees a slot, the
    waitlist worker (`clinic worker`, started here) offers it, and the link in the captured email
    accepts it signed out. Each form's effect is read back through the API."""
    assert worker.get("bin") and worker.get("database_url"), "no --clinic-bin / --database-url: the waitlist worker cannot run"
    doctors = api.gql("{ doctors(filter: {isAvailable: true}, first: 2) { nodes { id specialization user { fullName } } } }")["doctors"]["nodes"]
    doc, other = doctors[0], doctors[1]
    day, times = api.free_slots(doc["id"], 4)
    # Someone else takes every free slot of the day, so the patient can only wait for it.
    filler = api.register_patient("Ocupa", f"Todo{stamp}", f"filler.{stamp}@example.test")
    taken = [api.book_for(filler, doc["id"], day, t, "Lleno (e2e)") for t in times]
    email = f"wait.{stamp}@example.test"
    patient = (email, PASSWORD)
    api.register_patient("Wendy", f"Espera{stamp}", email)
    entries_q = "{ waitlistEntries(first: 50) { nodes { id status firstDay lastDay doctor { id } specialization appointment { id date time } } } }"

    sign_in(b, *patient)
    # From the booking page: the doctor's day has no free time; the link opens the waitlist form prefilled.
    b.go("/book")
    b.click(doc["specialization"])
    b.wait(lambda d: any(doc["user"]["fullName"] in c.text for c in d.find_elements(By.CSS_SELECTOR, ".card-button")), 15, "the doctor's card")
    next(c for c in b.all(".card-button") if doc["user"]["fullName"] in c.text).click()
    b.set_value(b.field("Fecha"), day)
    b.text_present("No hay horarios libres ese día")
    b.click("¿Ningún horario te sirve? Únete a la lista de espera")
    b.wait(lambda d: "/waitlist" in d.current_url, 15, "the waitlist screen")
    b.no_loading()
    assert b.field("Médico").get_attribute("value") == doc["id"] and b.field("Desde").get_attribute("value") == day, "form not prefilled"
    b.fill("Hasta", day)
    b.shot("waitlist-join")
    b.click("Unirme")
    b.toast("Te avisaremos")
    mine = api.gql(entries_q, None, patient)["waitlistEntries"]["nodes"]
    assert [(e["status"], e["doctor"]["id"], e["firstDay"], e["lastDay"]) for e in mine] == [("WAITING", doc["id"], day, day)], mine
    first_entry = mine[0]["id"]
    # A second list, by specialty, then leave it.
    Select(b.field("Esperar por")).select_by_value("specialty")
    Select(b.field("Especialidad")).select_by_visible_text(other["specialization"])
    b.fill("Desde", day)
    b.fill("Hasta", day)
    b.click("Unirme")
    b.wait(lambda d: len(api.gql(entries_q, None, patient)["waitlistEntries"]["nodes"]) == 2, 15, "the second entry")
    second = next(e for e in api.gql(entries_q, None, patient)["waitlistEntries"]["nodes"] if e["id"] != first_entry)
    assert second["specialization"] == other["specialization"] and second["doctor"] is None, second
    card = f"[data-testid=waitlist-entry][data-id='{second['id']}']"
    b.css(card)
    b.shot("waitlist-mine")
    b.click("Salir de la lista", card)
    b.toast("Saliste de la lista de espera")
    b.wait(lambda d: next(e for e in api.gql(entries_q, None, patient)["waitlistEntries"]["nodes"] if e["id"] == second["id"])["status"] == "LEFT",
           15, "the entry left")
    sign_out(b)

    # Staff: the whole list; remove a third entry of the patient's.
    third = api.gql("mutation($i: JoinWaitlistInput!) { joinWaitlist(input: $i) { id } }",
                    {"i": {"doctorId": other["id"], "firstDay": day, "lastDay": day}}, patient)["joinWaitlist"]["id"]
    sign_in(b, *ADMIN)
    b.go("/admin/waitlist")
    b.no_loading()
    card = f"[data-testid=waitlist-entry][data-id='{third}']"
    b.css(card)
    b.css(f"[data-testid=waitlist-entry][data-id='{first_entry}']")
    b.shot("waitlist-staff")
    b.click("Quitar", card)
    b.toast("Entrada retirada")
    b.wait(lambda d: next(e for e in api.gql(entries_q, None, patient)["waitlistEntries"]["nodes"] if e["id"] == third)["status"] == "LEFT",
           15, "the staff removal")
    sign_out(b)

    # A cancellation frees the day's first slot; the worker offers it to the patient by email.
    api.gql("mutation($id: ID!) { cancelAppointment(id: $id) { id } }", {"id": taken[0]}, ADMIN)
    log_path = os.path.join(b.out, f"waitlist-worker-{b.tag}.log")
    env = dict(os.environ, DATABASE_URL=worker["database_url"], JWT_SECRET=worker["jwt_secret"], CLINIC_PUBLIC_URL=b.base,
               LOG_LEVEL="info", CLINIC_DATA_DIR=os.path.join(b.out, f"worker-data-{b.tag}"))
    os.makedirs(env["CLINIC_DATA_DIR"], exist_ok=True)
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen([worker["bin"], "worker"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        def offer_link(_):
            with open(log_path, encoding="utf-8", errors="replace") as fh:
                text = fh.read()
            at = text.rfind("to=" + email)
            found = re.search(r"(https?://[^\s\"]+/waitlist-offer\?token=[A-Za-z0-9_-]{43})", text[at:]) if at >= 0 else None
            return found.group(1) if found else False
        link = b.wait(offer_link, 45, "the offer email in the worker's log")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert api.gql(entries_q, None, patient)["waitlistEntries"]["nodes"][0]["status"] == "OFFERED"
    # The link, signed out: the offer page, accepted once.
    b.driver.get(link)
    b.css("[data-testid=waitlist-offer][data-status=OFFERED]")
    b.text_present(doc["user"]["fullName"].split()[-1])
    b.shot("waitlist-offer")
    b.click("Aceptar la cita")
    b.css("[data-testid=waitlist-offer][data-status=ACCEPTED]")
    b.shot("waitlist-offer-accepted")
    entry = next(e for e in api.gql(entries_q, None, patient)["waitlistEntries"]["nodes"] if e["id"] == first_entry)
    assert entry["status"] == "BOOKED" and entry["appointment"]["date"] == day and entry["appointment"]["time"] == times[0], entry
    # Opened again, the link shows the answer and offers nothing more.
    b.driver.get(link)
    b.css("[data-testid=waitlist-offer][data-status=ACCEPTED]")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base-url", required=True)
    ap.add_argument("--size", default="1366x900")
    ap.add_argument("--out", default="test-output/web")
    ap.add_argument("--only", default="", help="comma-separated scenario names")
    ap.add_argument("--reset-token", default="", help="a password-reset token stored for patient@clinic.test")
    ap.add_argument("--clinic-bin", default="", help="the clinic binary, to run the waitlist worker (`clinic worker`) in the waitlist scenario")
    ap.add_argument("--database-url", default="", help="the server's database, for that worker")
    ap.add_argument("--jwt-secret", default="", help="the server's JWT_SECRET (the worker seals and opens the offer tokens with it)")
    ap.add_argument("--link-patient", default="", help=f"the email of a patient (password {LINK_PASSWORD!r}) with one booked appointment")
    ap.add_argument("--confirm-link", default="", help="the path (/a/<token>) of that booking email's confirm link")
    ap.add_argument("--reschedule-link", default="", help="the path of that booking email's reschedule link")
    ap.add_argument("--browser-tz", default="",
                    help="the browser's time zone (default: the machine's), e.g. Pacific/Kiritimati (UTC+14), 20 hours from "
                         "the demo clinic's: a screen that takes the browser's date or clock for the clinic's then fails at "
                         "almost every hour")
    ap.add_argument("--expect-clock", default="",
                    help="ISO 8601 instant the clocks were moved to (server, script and browser under libfaketime, as "
                         "WebEndToEndTests runs them): checked before any scenario, so a clock left real fails the run")
    args = ap.parse_args()
    w, h = (int(x) for x in args.size.split("x"))
    os.makedirs(args.out, exist_ok=True)
    tag = f"{w}x{h}"
    downloads = os.path.abspath(os.path.join(args.out, f"downloads-{tag}"))
    os.makedirs(downloads, exist_ok=True)
    stamp = f"{w}{int(time.time()) % 100000}"
    b = Browser(args.base_url, w, h, os.path.abspath(args.out), tag, downloads, tz=args.browser_tz)
    api = Api(args.base_url)
    global CLINIC_ZONE
    CLINIC_ZONE = zoneinfo.ZoneInfo(api.gql("{ clinic { timeZone } }")["clinic"]["timeZone"])
    failures = []
    state = {}
    scenarios = [
        ("public", lambda: scenario_public_screens(b)),
        ("password_reset", lambda: scenario_password_reset(b, api, args.reset_token)),
        ("message_links", lambda: scenario_message_links(b, api, args.link_patient, args.confirm_link, args.reschedule_link)),
        ("visitor_booking", lambda: scenario_visitor_booking(b, api, stamp)),
        ("patient", lambda: state.update(zip(("email", "last"), scenario_patient(b, api, stamp)))),
        ("admin", lambda: scenario_admin(b)),
        ("staff_appointments", lambda: scenario_staff_appointments(b, api, stamp)),
        ("front_desk", lambda: scenario_front_desk(b, api, stamp)),
        ("admin_screens", lambda: scenario_admin_screens(b, api, stamp)),
        ("doctor", lambda: scenario_doctor(b, api, stamp)),
        ("doctor_day", lambda: scenario_doctor_day(b, api, stamp)),
        ("doctor_time_off", lambda: scenario_doctor_time_off(b, api, stamp)),
        ("doctor_calendar_feed", lambda: scenario_doctor_calendar_feed(b, api, stamp)),
        ("time_off_closures", lambda: scenario_time_off_and_closures(b, api, stamp)),
        ("superadmin", lambda: scenario_superadmin(b, api, stamp, state.get("last", "García"))),
        ("waitlist", lambda: scenario_waitlist(b, api, stamp, {"bin": args.clinic_bin, "database_url": args.database_url,
                                                                "jwt_secret": args.jwt_secret})),
        # Keep last: it restores the database to a backup taken in the scenario.
        ("backup_restore", lambda: scenario_backup_restore(b, api, stamp)),
    ]
    only = set(filter(None, args.only.split(",")))
    try:
        if args.expect_clock:
            try:
                check_moved_clock(b, api, args.expect_clock)
            except AssertionError as e:
                print(f"FAIL {tag} clock: {e}", flush=True)
                return 1
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
