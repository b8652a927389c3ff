@testable import ClinicDomain
import XCTest

final class NotificationTemplateTests: XCTestCase {
    let details = NotificationTemplates.AppointmentDetails(
        clinicName: "Clínica Central", doctorName: "Dr. Núñez", patientFirstName: "Lucía",
        date: LocalDate(year: 2026, month: 12, day: 1)!, time: LocalTime(hour: 9, minute: 30)!, appointmentID: 36)

    func testEveryAppointmentKindHasSpanishAndEnglishEmailWithClinicDoctorDateAndTime() {
        let kinds = ["BOOKING_CONFIRMATION", "RESCHEDULED", "CANCELLED", "REMINDER"]
        var subjects: Set<String> = []
        for kind in kinds {
            let es = NotificationTemplates.appointment(kind: kind, channel: "EMAIL", locale: "es", details)
            XCTAssertTrue(es.subject.hasSuffix("– Dr. Núñez"), es.subject)
            XCTAssertTrue(es.body.contains("Hola Lucía:"), es.body)
            XCTAssertTrue(es.body.contains("martes 1 de diciembre de 2026 a las 09:30"), es.body)
            XCTAssertTrue(es.body.contains("Clínica Central") && es.body.contains("A-10"), es.body)
            let en = NotificationTemplates.appointment(kind: kind, channel: "EMAIL", locale: "en", details)
            XCTAssertTrue(en.body.contains("Tuesday, December 1, 2026 at 09:30"), en.body)
            XCTAssertTrue(en.body.contains("Hello Lucía,"), en.body)
            subjects.insert(es.subject); subjects.insert(en.subject)
        }
        XCTAssertEqual(subjects.count, 8, "each kind and language has its own subject")
        XCTAssertEqual(NotificationTemplates.appointment(kind: "BOOKING_CONFIRMATION", channel: "EMAIL", locale: "es", details).subject,
                       "Cita reservada – Dr. Núñez")
    }

    /// A booking starts SCHEDULED: its messages say it is reserved, not confirmed
    /// (staff, or the patient, confirm it later).
    func testBookingMessagesSayReservedNotConfirmed() {
        for channel in ["EMAIL", "SMS"] {
            let es = NotificationTemplates.appointment(kind: "BOOKING_CONFIRMATION", channel: channel, locale: "es", details)
            let en = NotificationTemplates.appointment(kind: "BOOKING_CONFIRMATION", channel: channel, locale: "en", details)
            XCTAssertTrue(es.body.contains("reservada"), es.body)
            XCTAssertFalse(es.body.lowercased().contains("confirmada"), es.body)
            XCTAssertTrue(en.body.contains("booked"), en.body)
            XCTAssertFalse(en.body.contains("confirmed"), en.body)
        }
    }

    func testUnknownOrMissingLocaleIsSpanish() {
        let a = NotificationTemplates.appointment(kind: "REMINDER", channel: "EMAIL", locale: nil, details)
        let b = NotificationTemplates.appointment(kind: "REMINDER", channel: "EMAIL", locale: "fr", details)
        XCTAssertEqual(a.subject, "Recordatorio de cita – Dr. Núñez")
        XCTAssertEqual(a.subject, b.subject)
        XCTAssertEqual(NotificationTemplates.appointment(kind: "REMINDER", channel: "EMAIL", locale: "en-GB", details).subject,
                       "Appointment reminder – Dr. Núñez")
    }

    func testSMSCarryOnlyTimeClinicAndShortCode() {
        for locale in ["es", "en"] {
            for kind in ["BOOKING_CONFIRMATION", "RESCHEDULED", "CANCELLED", "REMINDER"] {
                let sms = NotificationTemplates.appointment(kind: kind, channel: "SMS", locale: locale, details)
                XCTAssertEqual(sms.subject, "")
                XCTAssertTrue(sms.body.contains("Clínica Central") && sms.body.contains("09:30") && sms.body.contains("A-10"), sms.body)
                XCTAssertFalse(sms.body.contains("Núñez"), "no doctor (it implies the specialty): \(sms.body)")
                XCTAssertLessThanOrEqual(sms.body.count, 160, sms.body)
            }
        }
        XCTAssertTrue(NotificationTemplates.appointment(kind: "REMINDER", channel: "SMS", locale: "es", details).body.contains("01/12/2026"))
        XCTAssertTrue(NotificationTemplates.appointment(kind: "REMINDER", channel: "SMS", locale: "en", details).body.contains("2026-12-01"))
    }

    func testPasswordResetCarriesTheLinkInTheUsersLanguage() {
        let es = NotificationTemplates.passwordReset(locale: "es", firstName: "Lucía", link: "https://clinic.test/reset-password?token=abc",
                                                     minutes: 30, clinicName: "Clínica Central")
        XCTAssertTrue(es.body.contains("https://clinic.test/reset-password?token=abc") && es.body.contains("30 minutos"))
        XCTAssertEqual(es.subject, "Restablecer su contraseña – Clínica Central")
        let en = NotificationTemplates.passwordReset(locale: "en", firstName: "Lucy", link: "L", minutes: 30, clinicName: "C")
        XCTAssertTrue(en.body.contains("30 minutes") && en.body.contains("Hello Lucy,"))
    }
}
