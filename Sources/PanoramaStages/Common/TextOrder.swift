/// SPEC §1: text sorts by Unicode code point, which is the byte order of UTF-8 (Swift's String `<`
/// compares canonical equivalence, which is not the same order for every input).
@inline(__always)
public func codePointLess(_ a: String, _ b: String) -> Bool {
    a.utf8.lexicographicallyPrecedes(b.utf8)
}
