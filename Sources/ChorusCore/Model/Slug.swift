import Foundation

/// The rule for every address in a URL (teams, brand channels): 2 to 40
/// lowercase letters, digits or inner dashes.
public enum Slug {
    public static let maxLength = 40

    /// The slug, lowercased; `what` names it in the error ("team", "channel").
    public static func validate(_ raw: String, of what: String) throws -> String {
        let slug = raw.lowercased()
        guard (2...maxLength).contains(slug.count), slug.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }),
              !slug.hasPrefix("-"), !slug.hasSuffix("-") else {
            throw ChorusError.unprocessable("Validation failed: the \(what) address (slug) must be 2 to \(maxLength) lowercase letters, digits or dashes")
        }
        return slug
    }

    /// An address made from a name in any script: written in Latin letters
    /// ("研发部" → "yan fa bu", "Москва" → "moskva"), accents dropped,
    /// lowercased, every run of anything else one dash, and cut at a dash
    /// to `maxLength`. A name with nothing to spell (emoji only) gives less
    /// than 2 characters: the caller picks another address then.
    public static func derived(from name: String, maxLength: Int = Slug.maxLength) -> String {
        // Compatibility forms first (full-width "ＡＢＣ", "ﬁ", "Ⅱ"), so they spell as the letters they show.
        var latin = name.precomposedStringWithCompatibilityMapping
        for transform in [StringTransform.toLatin, .stripDiacritics, StringTransform("Latin-ASCII")] {
            latin = latin.applyingTransform(transform, reverse: false) ?? latin
        }
        var slug = ""
        for character in latin.lowercased() {
            if character.isASCII, character.isLetter || character.isNumber {
                slug.append(character)
            } else if !slug.isEmpty, !slug.hasSuffix("-") {
                slug.append("-")
            }
        }
        return cut(slug, to: maxLength)
    }

    /// `base` with a number on the end ("yan-fa-bu-2"), `base` cut at a
    /// dash so the whole stays within `maxLength`.
    public static func numbered(_ base: String, _ number: Int) -> String {
        let suffix = "-\(number)"
        return cut(base, to: maxLength - suffix.count) + suffix
    }

    /// At most `length` characters of `slug`, ending at a word's end when one
    /// fits (a single longer word is cut where it must be), no dash at
    /// either end.
    static func cut(_ slug: String, to length: Int) -> String {
        let trimmed = slug.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        guard trimmed.count > length else { return trimmed }
        var kept = String(trimmed.prefix(length + 1))
        if kept.last != "-", let dash = kept.prefix(length).lastIndex(of: "-") {
            kept = String(kept[..<dash])
        } else {
            kept = String(kept.prefix(length))
        }
        return kept.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
    }
}
