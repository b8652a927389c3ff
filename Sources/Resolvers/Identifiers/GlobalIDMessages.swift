// How a bad ID argument is explained (BAD_USER_INPUT), in the engine's quoting.
import ClinicDomain

extension GlobalIDError {
    var message: String {
        switch self {
        case .malformed(let s): return "\(quotedInput(s)) is not a valid ID"
        case .wrongType(let expected, let found):
            return "Expected \(article(expected)) \(expected) ID, got \(article(found)) \(found) ID"
        }
    }

    private func article(_ word: String) -> String {
        guard let c = word.first else { return "a" }
        return "AEIOU".contains(c) ? "an" : "a"
    }
}
