/// Limits of free text people type: names, bios, descriptions, content
/// warnings. One user-perceived character may be built of any number of
/// combining marks, so a limit in characters bounds nothing by itself; each
/// limit also allows only so many bytes per character.
public enum TextLimit {
    /// UTF-8 bytes allowed per character of a limit: enough for any letter
    /// with a mark or two, an emoji with its skin tone, a flag.
    public static let bytesPerCharacter = 8

    /// True if `text` holds at most `characters` characters and at most
    /// `characters × bytesPerCharacter` bytes (checked first: it is cheap).
    public static func fits(_ text: String, characters: Int) -> Bool {
        text.utf8.count <= characters * bytesPerCharacter && text.count <= characters
    }
}
