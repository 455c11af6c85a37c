/// The rule for every address in a URL (teams, brand channels): 2 to 40
/// lowercase letters, digits or inner dashes.
public enum Slug {
    /// The slug, lowercased; `what` names it in the error ("team", "channel").
    public static func validate(_ raw: String, of what: String) throws -> String {
        let slug = raw.lowercased()
        guard (2...40).contains(slug.count), slug.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }),
              !slug.hasPrefix("-"), !slug.hasSuffix("-") else {
            throw ChorusError.unprocessable("Validation failed: the \(what) address (slug) must be 2 to 40 lowercase letters, digits or dashes")
        }
        return slug
    }
}
