import ChorusCore
import ChorusStore

/// The visibility rule of `StatusAccess.canSee` as an SQL condition on a
/// statuses row aliased `alias`. The viewer id is an integer, so it is
/// written into the SQL directly.
func visibleToViewerSQL(_ alias: String, viewerID: Int64) -> String {
    visibleToViewerSQL(alias, viewer: String(viewerID))
}

/// The same condition with `viewer` as any SQL expression (a named
/// parameter such as `:viewer`, for statements compiled once and cached).
func visibleToViewerSQL(_ alias: String, viewer viewerID: String) -> String {
    """
    (\(alias).visibility = 'company' OR (\(alias).account_id = \(viewerID) AND \(alias).visibility <> 'team') \
    OR (\(alias).visibility = 'followers' AND EXISTS (SELECT 1 FROM follows vf WHERE vf.account_id = \(viewerID) AND vf.target_account_id = \(alias).account_id)) \
    OR (\(alias).visibility IN ('followers', 'direct') AND EXISTS (SELECT 1 FROM mentions vm WHERE vm.status_id = \(alias).id AND vm.account_id = \(viewerID))) \
    OR (\(alias).visibility = 'team' AND EXISTS (SELECT 1 FROM teams vt WHERE vt.id = \(alias).team_id AND \(teamVisibleToViewerSQL("vt", viewer: viewerID)))))
    """
}

/// True when the viewer may see team `alias` (public, or a member of it).
func teamVisibleToViewerSQL(_ alias: String, viewer viewerID: String) -> String {
    "(\(alias).privacy = 'public' OR EXISTS (SELECT 1 FROM team_members vtm WHERE vtm.team_id = \(alias).id AND vtm.account_id = \(viewerID)))"
}

/// True when a post the viewer may see carries the hashtag `tag` (an SQL
/// expression for a normalized name, such as `t.name`). Reads the tag's range
/// of `status_tags`' key and stops at the first visible post.
func tagVisibleToViewerSQL(_ tag: String, viewerID: Int64) -> String {
    """
    EXISTS (SELECT 1 FROM status_tags vst JOIN statuses vs ON vs.id = vst.status_id \
    WHERE vst.tag = \(tag) AND \(visibleToViewerSQL("vs", viewerID: viewerID)))
    """
}
