// The password-reset email: what is stored (readable through the API) and
// what is sent (with the link) are two renderings of one template.
//
// The link carries the token, which is a bearer credential for the account:
// anyone who reads it can take the account over. So the outbox row stores the
// text with `linkPlaceholder` instead of the link, and the token sealed in
// `notifications.sealed_secret` (no resolver selects that column); the worker
// unseals it, renders the real link into the message it sends, stores the
// placeholder text again and clears the seal.
import Crypto

public enum PasswordResetEmail {
    /// What `Notification.body` shows where the email had the link.
    public static let linkPlaceholder = "[reset link hidden: it was sent only to the account's email address]"

    public static func link(publicURL: String, token: String) -> String {
        publicURL + "/reset?token=" + token
    }

    /// The text as stored and shown in the API (no secret in it).
    public static func redacted(locale: String?, firstName: String, minutes: Int64, clinicName: String) -> (subject: String, body: String) {
        NotificationTemplates.passwordReset(locale: locale, firstName: firstName, link: linkPlaceholder, minutes: minutes,
                                            clinicName: clinicName)
    }

    /// The text the person receives, with the working link.
    public static func deliverable(locale: String?, firstName: String, minutes: Int64, clinicName: String, link: String)
        -> (subject: String, body: String) {
        NotificationTemplates.passwordReset(locale: locale, firstName: firstName, link: link, minutes: minutes, clinicName: clinicName)
    }

    public static func seal(token: String, with seal: SecretSeal) -> [UInt8] { seal.seal(Array(token.utf8)) }

    /// The token from a sealed value, or nil when it cannot be opened (e.g.
    /// JWT_SECRET changed since the request).
    public static func unseal(_ sealed: [UInt8], with seal: SecretSeal) -> String? {
        seal.open(sealed).map { String(decoding: $0, as: UTF8.self) }
    }
}
