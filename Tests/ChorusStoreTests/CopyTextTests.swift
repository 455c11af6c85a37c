import ChorusStore
@testable import ChorusStorePostgres
import NIOCore
import Testing

/// The text `chorus copy-data` streams into PostgreSQL's `COPY`.
@Suite("copy-data: values in PostgreSQL's COPY text format")
struct CopyTextTests {
    @Test func sqliteTimesGetTheirZoneAndZonedTimesKeepTheirs() throws {
        let type = "timestamp with time zone"
        #expect(try CopyText.field(.text("2026-12-02 19:11:44.123"), type: type, table: "t") == "2026-12-02 19:11:44.123+00")
        #expect(try CopyText.field(.text("2026-12-02 19:11:44"), type: type, table: "t") == "2026-12-02 19:11:44+00")
        #expect(try CopyText.field(.text("2026-12-02T19:11:44Z"), type: type, table: "t") == "2026-12-02T19:11:44Z")
        #expect(try CopyText.field(.text("2026-12-02 19:11:44+08:00"), type: type, table: "t") == "2026-12-02 19:11:44+08:00")
        #expect(try CopyText.field(.text("2026-12-02 19:11:44-0500"), type: type, table: "t") == "2026-12-02 19:11:44-0500")
        #expect(try CopyText.field(.integer(0), type: type, table: "t") == "1970-01-01T00:00:00Z")
    }

    @Test func booleansNumbersAndNullsAreWrittenAsPostgreSQLReadsThem() throws {
        #expect(try CopyText.field(.integer(1), type: "boolean", table: "t") == "t")
        #expect(try CopyText.field(.integer(0), type: "boolean", table: "t") == "f")
        #expect(try CopyText.field(.integer(-42), type: "bigint", table: "t") == "-42")
        #expect(try CopyText.field(.null, type: "text", table: "t") == nil)
        #expect(throws: (any Error).self) { try CopyText.field(.blob([0, 1]), type: "bigint", table: "t") }
    }

    @Test func separatorsInTextAreEscapedAndArraysQuoted() {
        var buffer = ByteBuffer()
        CopyText.appendRow(["a\tb\\c\nd\re", nil, CopyText.arrayLiteral(["发布", "say \"hi\"", "back\\slash"])], to: &buffer)
        #expect(buffer.readString(length: buffer.readableBytes)
            == "a\\tb\\\\c\\nd\\re\t\\N\t{\"发布\",\"say \\\\\"hi\\\\\"\",\"back\\\\\\\\slash\"}\n")
    }
}
