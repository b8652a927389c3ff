// The only file that calls libxcrypt (through CXCrypt): the thread-safe
// crypt_gensalt_rn and crypt_rn, each call with its own zeroed
// `struct crypt_data` (32 KiB) on the heap, wiped after use.
internal import CXCrypt

enum LibXCrypt {
    /// Longest passphrase crypt accepts, in bytes, without the terminating NUL.
    static let maxPassphraseBytes = Int(CRYPT_MAX_PASSPHRASE_SIZE) - 1

    /// A setting string ("$y$j9T$<salt>") for `prefix` and `count`, salted with `entropy`.
    static func gensalt(prefix: String, count: UInt, entropy: [UInt8]) -> String? {
        var output = [CChar](repeating: 0, count: Int(CRYPT_GENSALT_OUTPUT_SIZE))
        let result = entropy.withUnsafeBufferPointer { rbytes in
            output.withUnsafeMutableBufferPointer { out in
                rbytes.withMemoryRebound(to: CChar.self) { r in
                    crypt_gensalt_rn(prefix, count, r.baseAddress, Int32(r.count), out.baseAddress, Int32(out.count))
                }
            }
        }
        guard result != nil else { return nil }
        let setting = output.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        // Failure is reported either as NULL or as a string starting with '*'.
        return setting.hasPrefix("*") ? nil : setting
    }

    /// crypt(phrase, setting) with a private crypt_data. `body` sees the full
    /// output (without NUL) and runs before the buffer is wiped; nil when crypt
    /// fails (unknown or malformed setting, over-long phrase).
    static func crypt<R>(phrase: [UInt8], setting: [UInt8], _ body: (UnsafeRawBufferPointer) -> R) -> R? {
        guard phrase.count <= maxPassphraseBytes, !phrase.contains(0), !setting.contains(0) else { return nil }
        let size = MemoryLayout<crypt_data>.size
        let data = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: MemoryLayout<crypt_data>.alignment)
        data.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        defer {
            SecureMemory.cleanse(data, count: size)
            data.deallocate()
        }
        var phraseC = phrase.map { CChar(bitPattern: $0) } + [0]
        defer { phraseC.withUnsafeMutableBytes { SecureMemory.cleanse($0.baseAddress!, count: $0.count) } }
        let settingC = setting.map { CChar(bitPattern: $0) } + [0]
        guard let out = crypt_rn(phraseC, settingC, data, Int32(size)) else { return nil }
        var length = 0
        while length < Int(CRYPT_OUTPUT_SIZE), out[length] != 0 { length += 1 }
        if length == 0 || out.pointee == CChar(UInt8(ascii: "*")) { return nil }
        return body(UnsafeRawBufferPointer(start: out, count: length))
    }
}
