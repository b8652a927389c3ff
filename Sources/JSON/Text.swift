// Foundation-free text search and replacement, by UTF-8 bytes (a match of valid
// UTF-8 always starts on a scalar boundary). The one copy for every module.

extension Substring {
    /// The first occurrence of `target`, or nil (also for an empty target).
    public func firstRange(ofText target: String) -> Range<Substring.Index>? {
        let t = Array(target.utf8)
        guard !t.isEmpty else { return nil }
        let u = self.utf8
        var i = u.startIndex
        while i != u.endIndex {
            var j = i
            var k = 0
            while k < t.count, j != u.endIndex, u[j] == t[k] {
                j = u.index(after: j)
                k += 1
            }
            if k == t.count { return i..<j }
            i = u.index(after: i)
        }
        return nil
    }
}

extension String {
    /// The first occurrence of `target`, or nil (also for an empty target).
    public func firstRange(ofText target: String) -> Range<String.Index>? {
        Substring(self).firstRange(ofText: target)
    }

    /// Every occurrence of `target` replaced, left to right, without overlaps.
    public func replacingAll(_ target: String, with replacement: String) -> String {
        var out = ""
        var rest = Substring(self)
        while let r = rest.firstRange(ofText: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}
