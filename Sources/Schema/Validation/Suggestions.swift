// "Did you mean …?" suggestions, as graphql-js/graphql-core compute them:
// a Damerau–Levenshtein distance (case changes count as one edit) with a
// threshold of 40 % of the input's length, sorted by distance then naturally.

/// `options` sorted by their similarity to `input`, the dissimilar ones dropped.
public func suggestionList(_ input: String, _ options: [String]) -> [String] {
    let inputLower = Array(input.lowercased().unicodeScalars.map { $0.value })
    let threshold = Int(Double(input.unicodeScalars.count) * 0.4) + 1
    var found: [(String, Int)] = []
    for option in options {
        if let d = lexicalDistance(input, inputLower, option, threshold) { found.append((option, d)) }
    }
    found.sort { a, b in
        if a.1 != b.1 { return a.1 < b.1 }
        return naturalLess(a.0, b.0)
    }
    return found.map { $0.0 }
}

private func lexicalDistance(_ input: String, _ inputLower: [UInt32], _ option: String, _ threshold: Int) -> Int? {
    if input == option { return 0 }
    let optionLower = Array(option.lowercased().unicodeScalars.map { $0.value })
    if optionLower == inputLower { return 1 }
    var a = optionLower, b = inputLower
    if a.count < b.count { swap(&a, &b) }
    let aLen = a.count, bLen = b.count
    if aLen - bLen > threshold { return nil }
    var rows = [[Int]](repeating: [Int](repeating: 0, count: bLen + 1), count: 3)
    for j in 0...bLen { rows[0][j] = j }
    if aLen == 0 { return bLen <= threshold ? bLen : nil }
    for i in 1...aLen {
        let up = (i - 1) % 3, cur = i % 3
        rows[cur][0] = i
        var smallest = i
        if bLen > 0 {
            for j in 1...bLen {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var cell = min(rows[up][j] + 1, rows[cur][j - 1] + 1, rows[up][j - 1] + cost)
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    cell = min(cell, rows[(i - 2) % 3][j - 2] + 1)
                }
                if cell < smallest { smallest = cell }
                rows[cur][j] = cell
            }
        }
        if smallest > threshold { return nil }
    }
    let d = rows[aLen % 3][bLen]
    return d <= threshold ? d : nil
}

/// Python's natural_comparison_key ordering: digit runs compare as numbers.
func naturalLess(_ x: String, _ y: String) -> Bool {
    func chunks(_ s: String) -> [(String, Bool)] {
        var out: [(String, Bool)] = []
        var cur = "", curDigit = false
        for ch in s.unicodeScalars {
            let d = ch.properties.numericType == .decimal
            if cur.isEmpty { curDigit = d } else if d != curDigit { out.append((cur, curDigit)); cur = ""; curDigit = d }
            cur.unicodeScalars.append(ch)
        }
        if !cur.isEmpty { out.append((cur, curDigit)) }
        // Python's split always starts with a (possibly empty) non-digit part.
        if let f = out.first, f.1 { out.insert(("", false), at: 0) }
        return out
    }
    let a = chunks(x), b = chunks(y)
    for (p, q) in zip(a, b) {
        if p.1 && q.1 {
            let pn = p.0.drop { $0 == "0" }, qn = q.0.drop { $0 == "0" }
            if pn.count != qn.count { return pn.count < qn.count }
            if pn != qn { return pn < qn }
            if p.0 != q.0 { return p.0.unicodeScalars.lexicographicallyPrecedes(q.0.unicodeScalars) }
        } else if p.0 != q.0 {
            return p.0.unicodeScalars.lexicographicallyPrecedes(q.0.unicodeScalars)
        }
    }
    return a.count < b.count
}

/// " Did you mean 'A', 'B', or 'C'?" (at most five), or "" without suggestions.
/// Validation quotes names with `'`; coercion messages (graphql-js's wording) with `"`.
public func didYouMean(_ suggestions: [String], subMessage: String? = nil, quote: Character = "'") -> String {
    if suggestions.isEmpty { return "" }
    var out = " Did you mean "
    if let sub = subMessage { out += sub + " " }
    let s = suggestions.prefix(5).map { "\(quote)\($0)\(quote)" }
    switch s.count {
    case 1: out += s[0] + "?"
    case 2: out += s[0] + " or " + s[1] + "?"
    default: out += s.dropLast().joined(separator: ", ") + ", or " + s[s.count - 1] + "?"
    }
    return out
}

/// `didYouMean` with graphql-js's double quotes (coercion messages).
func didYouMeanQuoted(_ suggestions: [String], subMessage: String? = nil) -> String {
    didYouMean(suggestions, subMessage: subMessage, quote: "\"")
}
