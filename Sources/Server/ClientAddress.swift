// Who the client is when the server sits behind reverse proxies
// (TRUSTED_PROXIES). Rate limits, login lockouts and audit entries key on the
// address this returns, so it must never be one a client can choose: the
// `X-Forwarded-For` list is read only when the socket peer is a trusted proxy,
// and only from the right, where each trusted proxy appended the address it
// saw; the right-most address that is not a trusted proxy is the client.
import Foundation

/// An IPv4 or IPv6 address as 16 bytes (IPv4 as the IPv4-mapped IPv6 address,
/// so `10.0.0.1` and `::ffff:10.0.0.1` are one address).
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// A numeric address, nil for anything else (host names, ports, zones, garbage).
    public init?(_ text: some StringProtocol) {
        let s = String(text)
        // Only the characters of numeric addresses: inet_pton reads a C string and
        // would take "1.2.3.4\0anything" for 1.2.3.4.
        guard !s.isEmpty, s.utf8.count <= 45,
              s.utf8.allSatisfy({ $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ":") || Self.hexDigits.contains($0) }) else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, s, &v4) == 1 {
            bytes = Array(repeating: 0, count: 10) + [0xFF, 0xFF] + withUnsafeBytes(of: v4.s_addr) { Array($0) }
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, s, &v6) == 1 else { return nil }
        bytes = withUnsafeBytes(of: v6) { Array($0) }
    }

    private static let hexDigits = Set("0123456789abcdefABCDEF".utf8)

    var isIPv4: Bool { bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF }

    /// The canonical text (dotted quad for IPv4, RFC 5952 for IPv6), so one
    /// client is one rate-limit key however its address was written.
    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        if isIPv4 {
            var v4 = in_addr()
            withUnsafeMutableBytes(of: &v4.s_addr) { $0.copyBytes(from: bytes[12..<16]) }
            inet_ntop(AF_INET, &v4, &buffer, socklen_t(buffer.count))
        } else {
            var v6 = in6_addr()
            withUnsafeMutableBytes(of: &v6) { $0.copyBytes(from: bytes) }
            inet_ntop(AF_INET6, &v6, &buffer, socklen_t(buffer.count))
        }
        return String(cString: buffer)
    }
}

/// `10.0.0.0/8`, `2001:db8::/32`, or a single address (`/32`, `/128` implied).
public struct CIDRBlock: Sendable, Equatable, CustomStringConvertible {
    let network: IPAddress
    /// Over the 128-bit form: an IPv4 prefix of n is 96 + n.
    let prefixLength: Int
    public let description: String

    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        let width = address.isIPv4 ? 32 : 128
        var length = width
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isNumber),
                  parts[1].count <= 3, let n = Int(parts[1]), n <= width else { return nil }
            length = n
        }
        prefixLength = 128 - width + length
        network = address
        description = String(text)
    }

    public func contains(_ address: IPAddress) -> Bool {
        var remaining = prefixLength
        for i in 0..<16 where remaining > 0 {
            let bits = min(8, remaining)
            let mask: UInt8 = bits == 8 ? 0xFF : ~(0xFF >> UInt8(bits))
            if address.bytes[i] & mask != network.bytes[i] & mask { return false }
            remaining -= bits
        }
        return true
    }
}

public struct TrustedProxies: Sendable, Equatable {
    public let blocks: [CIDRBlock]

    public static let none = TrustedProxies(blocks: [])

    public init(blocks: [CIDRBlock]) { self.blocks = blocks }

    /// `TRUSTED_PROXIES`: comma-separated CIDR blocks or addresses.
    public static func parse(_ text: String) throws -> TrustedProxies {
        var blocks: [CIDRBlock] = []
        for item in text.split(separator: ",") {
            let entry = item.trimmingCharacters(in: .whitespaces)
            if entry.isEmpty { continue }
            guard let block = CIDRBlock(entry) else {
                throw ConfigurationError("TRUSTED_PROXIES: \(entry) is not a CIDR block or an IP address (e.g. 10.0.0.0/8, 192.168.1.5, fd00::/8)")
            }
            blocks.append(block)
        }
        return TrustedProxies(blocks: blocks)
    }

    public func isTrusted(_ address: IPAddress) -> Bool { blocks.contains { $0.contains(address) } }

    /// The client's address for a request from the socket peer `peer` with
    /// these `X-Forwarded-For` header values (every field, in order).
    /// With no proxy trusted, `peer` is answered as it is: the HTTP server writes it in
    /// `inet_ntop`'s canonical form (IPv4-mapped addresses as IPv4), so nothing is parsed per request.
    public func clientAddress(peer: String, forwardedFor: [String]) -> String {
        guard !blocks.isEmpty else { return peer }
        guard let peerAddress = IPAddress(peer) else { return peer }
        guard isTrusted(peerAddress), !forwardedFor.isEmpty else { return peerAddress.description }
        var client = peerAddress
        let hops = forwardedFor.joined(separator: ",").split(separator: ",", omittingEmptySubsequences: false)
        for hop in hops.reversed() {
            // Garbage ends the walk: what is left of it was written by no one we trust.
            guard let address = Self.forwardedAddress(hop) else { break }
            client = address
            if !isTrusted(address) { break }
        }
        return client.description
    }

    /// One `X-Forwarded-For` element: an address, optionally with a port
    /// (`1.2.3.4:80`, `[2001:db8::1]:80`) as some proxies write it.
    static func forwardedAddress(_ element: Substring) -> IPAddress? {
        let text = element.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let rest = text[text.index(after: close)...]
            guard rest.isEmpty || (rest.hasPrefix(":") && rest.count > 1 && rest.dropFirst().allSatisfy { $0.isASCII && $0.isNumber })
            else { return nil }
            return IPAddress(text[text.index(after: text.startIndex)..<close])
        }
        if let address = IPAddress(text) { return address }
        // IPv4 with a port; an IPv6 address without brackets has several colons and parsed above.
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[1].isEmpty, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }),
              let address = IPAddress(parts[0]), address.isIPv4 else { return nil }
        return address
    }
}

/// `CLINIC_ALLOWED_HOSTS`: the Host header values this server answers to, so
/// a DNS-rebinding page cannot talk to it under a name of the attacker's.
public struct AllowedHosts: Sendable, Equatable {
    /// Lowercased; nil accepts any Host.
    public let hosts: Set<String>?

    public static let any = AllowedHosts(hosts: nil)

    public init(hosts: Set<String>?) { self.hosts = hosts }

    public static func parse(_ text: String) throws -> AllowedHosts {
        var hosts: Set<String> = []
        for item in text.split(separator: ",") {
            let host = item.trimmingCharacters(in: .whitespaces).lowercased()
            if host.isEmpty { continue }
            guard !host.contains(where: { $0 == "/" || $0 == " " || $0 == "@" }) else {
                throw ConfigurationError("CLINIC_ALLOWED_HOSTS: \(host) is not a Host header value (e.g. clinic.example.com or clinic.example.com:8443)")
            }
            hosts.insert(host)
        }
        return AllowedHosts(hosts: hosts.isEmpty ? nil : hosts)
    }

    /// Matching is exact but for ASCII case: `example.com` does not admit `example.com:8080`.
    public func admits(_ hostHeader: String?) -> Bool {
        guard let hosts else { return true }
        guard let hostHeader else { return false }
        return hosts.contains(hostHeader.trimmingCharacters(in: .whitespaces).lowercased())
    }
}
