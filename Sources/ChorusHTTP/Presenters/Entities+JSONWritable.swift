// The hand-written JSON of the entities on every timeline. Keys and values
// must match what `JSONEncoder` with snake-case keys makes of the same
// structs; `FastJSONTests` holds them to that.

extension AccountEntity: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.object { w in
            w.key("id"); w.string(id)
            w.key("username"); w.string(username)
            w.key("acct"); w.string(acct)
            w.key("display_name"); w.string(displayName)
            w.key("locked"); w.bool(locked)
            w.key("bot"); w.bool(bot)
            w.key("discoverable"); w.bool(discoverable)
            w.key("indexable"); w.bool(indexable)
            w.key("group"); w.bool(group)
            w.key("noindex"); w.bool(noindex)
            w.key("created_at"); w.string(createdAt)
            w.key("note"); w.string(note)
            w.key("url"); w.string(url)
            w.key("uri"); w.string(uri)
            w.key("avatar"); w.string(avatar)
            w.key("avatar_static"); w.string(avatarStatic)
            w.key("header"); w.string(header)
            w.key("header_static"); w.string(headerStatic)
            w.key("followers_count"); w.int(followersCount)
            w.key("following_count"); w.int(followingCount)
            w.key("statuses_count"); w.int(statusesCount)
            w.key("last_status_at"); w.string(lastStatusAt)
            w.key("emojis"); w.emptyArray()
            w.key("fields"); w.emptyArray()
            if let source {
                w.key("source")
                w.object { w in
                    w.key("note"); w.string(source.note)
                    w.key("fields"); w.emptyArray()
                    w.key("privacy"); w.string(source.privacy)
                    w.key("sensitive"); w.bool(source.sensitive)
                    w.key("language"); w.string(source.language)
                    w.key("follow_requests_count"); w.int(source.followRequestsCount)
                }
            }
            if let role {
                w.key("role")
                w.object { w in
                    w.key("id"); w.string(role.id)
                    w.key("name"); w.string(role.name)
                    w.key("permissions"); w.string(role.permissions)
                    w.key("color"); w.string(role.color)
                    w.key("highlighted"); w.bool(role.highlighted)
                }
            }
            w.key("chorus")
            w.object { w in
                w.key("role"); w.string(chorus.role)
                w.key("active"); w.bool(chorus.active)
            }
        }
    }
}

extension StatusEntity: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.object { w in
            w.key("id"); w.string(id)
            w.key("uri"); w.string(uri)
            w.key("url"); w.string(url)
            w.key("created_at"); w.string(createdAt)
            w.key("account"); account.write(to: &w)
            w.key("content"); w.string(content)
            w.key("visibility"); w.string(visibility)
            w.key("sensitive"); w.bool(sensitive)
            w.key("spoiler_text"); w.string(spoilerText)
            w.key("media_attachments"); w.emptyArray()
            w.key("application")
            if let application {
                w.object { w in
                    w.key("name"); w.string(application.name)
                    w.key("website"); w.string(application.website)
                }
            } else {
                w.null()
            }
            w.key("mentions")
            w.array(mentions) { w, mention in
                w.object { w in
                    w.key("id"); w.string(mention.id)
                    w.key("username"); w.string(mention.username)
                    w.key("url"); w.string(mention.url)
                    w.key("acct"); w.string(mention.acct)
                }
            }
            w.key("tags")
            w.array(tags) { w, tag in
                w.object { w in
                    w.key("name"); w.string(tag.name)
                    w.key("url"); w.string(tag.url)
                    if let history = tag.history { w.key("history"); w.array(history) { w, _ in w.null() } }
                    if let following = tag.following { w.key("following"); w.bool(following) }
                }
            }
            w.key("emojis"); w.emptyArray()
            w.key("reblogs_count"); w.int(reblogsCount)
            w.key("favourites_count"); w.int(favouritesCount)
            w.key("replies_count"); w.int(repliesCount)
            w.key("quotes_count"); w.int(quotesCount)
            w.key("in_reply_to_id"); w.string(inReplyToId)
            w.key("in_reply_to_account_id"); w.string(inReplyToAccountId)
            w.key("reblog"); w.value(reblog?.value)
            w.key("poll"); w.null()
            w.key("card"); w.null()
            w.key("language"); w.string(language)
            w.key("text"); w.string(text)
            w.key("edited_at"); w.string(editedAt)
            w.key("favourited"); w.bool(favourited)
            w.key("reblogged"); w.bool(reblogged)
            w.key("muted"); w.bool(muted)
            w.key("bookmarked"); w.bool(bookmarked)
            w.key("pinned"); w.bool(pinned)
            w.key("filtered"); w.emptyArray()
            w.key("quote")
            if let quote {
                w.object { w in
                    w.key("state"); w.string(quote.state)
                    w.key("quoted_status"); w.value(quote.quotedStatus?.value)
                    if let id = quote.quotedStatusId { w.key("quoted_status_id"); w.string(id) }
                }
            } else {
                w.null()
            }
            w.key("chorus")
            w.object { w in
                w.key("visibility"); w.string(chorus.visibility)
                w.key("team")
                if let team = chorus.team {
                    w.object { w in
                        w.key("id"); w.string(team.id)
                        w.key("name"); w.string(team.name)
                        w.key("slug"); w.string(team.slug)
                    }
                } else {
                    w.null()
                }
                w.key("kind"); w.string(chorus.kind)
                w.key("pinned"); w.bool(chorus.pinned)
                w.key("best_answer_id"); w.string(chorus.bestAnswerId)
            }
        }
    }
}

extension NotificationEntity: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.object { w in
            w.key("id"); w.string(id)
            w.key("type"); w.string(type)
            w.key("created_at"); w.string(createdAt)
            w.key("group_key"); w.string(groupKey)
            w.key("account"); account.write(to: &w)
            if let status { w.key("status"); status.write(to: &w) }
        }
    }
}
