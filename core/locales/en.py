"""English texts. Placeholders are filled with values already escaped for Telegram HTML."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    # /balance
    "balance.title": "💼 <b>Portfolio: {total} {quote}</b>",
    "balance.empty": "💼 Your BTCTurk account holds nothing yet.",
    "balance.in_orders": "🔒 In orders: {amounts}",
    "balance.free": "✅ Free: {amounts}",
    "balance.dust.one": "+ 1 small balance under {limit} {quote} (together {worth} {quote})",
    "balance.dust.many": "+ {count} small balances under {limit} {quote} (together {worth} {quote})",
    "balance.unpriced": "ℹ️ No {quote} price for {assets}: not in the total.",
    "balance.updated": "Updated {when}",
    "balance.refresh": "🔄 Refresh",
    "balance.refreshed": "Up to date",
    "asset.total": "Total: <b>{amount} {asset}</b>",
    "asset.free": "Free: {amount} {asset}",
    "asset.in_orders": "In orders: {amount} {asset}",
    "asset.value": "Value: {value} {quote} (1 {asset} = {price} {quote})",
    "asset.no_value": "Value: no {quote} price on BTCTurk",
    "asset.not_held": "You hold no {asset} right now.",
    "asset.unknown": "BTCTurk lists no asset called “{asset}”.",
    "asset.you_hold": " You hold: {assets}.",
    # exchange errors
    "error.stamp": "🕒 BTCTurk refused the request's time stamp: check this server's clock.",
    "error.auth": (
        "🔑 BTCTurk refused the API key: check that it is correct, has read permission, "
        "and allows this server's IP."
    ),
    "error.rate_limited": "⏳ BTCTurk asked the bot to slow down.",
    "error.unavailable": "⏳ BTCTurk is not answering (maintenance or network).",
    "error.bad_response": "⚠️ BTCTurk sent an answer the bot could not read.",
    "error.try_later": "Try again in a few minutes.",
    "error.stale": "Showing data from {when}.",
    "error.internal": "⚠️ Something went wrong while answering. It has been logged; please try again.",
    "store.save_failed": (
        "⚠️ The bot could not save this: its disk is full or cannot be written. "
        "Nothing was changed; please try again later."
    ),
    "backlog.slow_down": (
        "🐢 Too many commands at once: I answer the ones already waiting and skip the rest. "
        "Please send them again a little later."
    ),
    # general
    "help.title": "👋 <b>BTCTurk balance bot</b>",
    "help.intro": (
        "Your BTCTurk balances and their value in {quote}. I tell you when a balance changes, "
        "when an alert you set is crossed, and send a summary every morning."
    ),
    "help.examples": "Examples: /balance btc · /alert BTC below 5 · /alert total above 40000000",
    "usage": "Usage: {usage}   e.g. {example}",
    "unknown_command": "I don't know that one. /help lists what I can do.",
    "refusal": (
        "⛔ This bot is private.\n"
        "Your chat ID is <code>{chat_id}</code>: its owner can add it to ALLOWED_CHAT_IDS."
    ),
    "refusal.short": "⛔ This bot is private.",
    # argument syntax of the commands (the command words stay the same in every language)
    "args.balance": "[ASSET]",
    "args.alert": "<ASSET|total> <above|below> <amount> [urgent]",
    "args.unalert": "<id>",
    "args.mute": "[30m|2h|1d]",
    "args.lang": "<en|tr>",
    # command menu
    "command.balance": "Balances and their value, or one asset in detail",
    "command.summary": "The daily summary, now",
    "command.chart": "A picture of your portfolio and its last 30 days",
    "command.alert": "Tell me when a balance crosses an amount",
    "command.alerts": "Your alerts and the values they watch",
    "command.unalert": "Remove an alert",
    "command.mute": "Hold change alerts for a while (default 1 hour)",
    "command.unmute": "Deliver alerts again, with what was held",
    "command.settings": "This chat's settings",
    "command.lang": "Language: en or tr",
    "command.status": "Is BTCTurk answering, when was the last check",
    "command.help": "What the bot does and every command",
    # change and threshold alerts
    "change.title": "🔔 <b>Balance changed</b>",
    "change.orders_title": "🔒 <b>Orders changed</b>",
    "change.order_move": "🔒 {asset} in orders: {old} → {new}",
    "change.portfolio": "Portfolio: {total} {quote}",
    "threshold.rose": "⚠️ <b>Alert #{id}: {subject} rose above {limit}</b>",
    "threshold.fell": "⚠️ <b>Alert #{id}: {subject} fell below {limit}</b>",
    "threshold.portfolio": "Your portfolio",
    "threshold.now": "Now {value}",
    "threshold.again_below": "It will fire again after {subject} falls back below {limit}.",
    "threshold.again_above": "It will fire again after {subject} rises back above {limit}.",
    "threshold.the_portfolio": "the portfolio",
    "outage.down": (
        "⏳ Cannot reach BTCTurk since {when}. "
        "Change alerts resume when it answers again; nothing is lost."
    ),
    "outage.back": "✅ BTCTurk is reachable again (it was not since {when}).",
    "digest.title": "🌙 <b>While alerts were held ({count})</b>",
    # daily summary
    "summary.title": "📊 <b>Summary — {date}</b>",
    "summary.morning": "☀️ <b>Good morning — {date}</b>",
    "summary.daily": "📊 <b>Daily summary — {date}</b>",
    "summary.total": "Portfolio: <b>{total} {quote}</b>",
    "summary.first": "No earlier summary to compare with yet.",
    "summary.since_yesterday": "Since yesterday: {change}",
    "summary.since_day": "Since {day}: {change}",
    "summary.new": "new",
    "summary.unpriced": "ℹ️ No {quote} price for {assets}.",
    # alerts
    "alert.created": "✅ Alert #{id} set: {alert}",
    "alert.urgent": "It is urgent: it also reaches you in quiet hours and while muted.",
    "alert.now": "Now: {value}",
    "alert.already_above": "It is already above that, so it will fire after it goes below and crosses again.",
    "alert.already_below": "It is already below that, so it will fire after it goes above and crosses again.",
    "alert.usage": "Usage: /alert &lt;ASSET|total&gt; &lt;above|below&gt; &lt;amount&gt; [urgent]   e.g. /alert BTC below 5",
    "alert.problem.unknown_asset": "⚠️ BTCTurk lists no asset called “{text}”.",
    "alert.problem.direction": "⚠️ Say above or below, not “{text}”.",
    "alert.problem.not_a_number": "⚠️ “{text}” is not a number.",
    "alert.problem.negative": "⚠️ The amount must not be negative.",
    "alert.problem.zero_below": "⚠️ Nothing can fall below zero.",
    "alert.problem.too_large": "⚠️ That amount is too large.",
    "alert.problem.too_precise": "⚠️ At most 16 digits after the decimal point.",
    "alert.unknown_value": "unknown",
    "alerts.none": "You have no alerts. Set one with /alert, e.g. /alert BTC below 5",
    "alerts.title": "🔔 <b>Your alerts</b>",
    "alerts.row": "#{id} {alert} · now {value}",
    "alerts.urgent_mark": " ⚡",
    "alerts.remove_hint": "Remove one with /unalert &lt;id&gt;",
    "alert.removed": "🗑 Alert #{id} removed.",
    "alert.not_found": "You have no alert #{id}. /alerts lists yours.",
    "unalert.usage": "Usage: /unalert &lt;id&gt;   e.g. /unalert 3 (see /alerts for the IDs)",
    "direction.above": "above",
    "direction.below": "below",
    # status
    "status.title": "🩺 <b>Status</b>",
    "status.ok": "✅ BTCTurk is answering",
    "status.down": "⏳ BTCTurk is not answering",
    "status.last_read": "Last balances read {when}",
    "status.latency": ", took {duration}",
    "status.never_read": "No balances read yet",
    "status.clock_behind": "🕒 This server's clock is {seconds} s behind BTCTurk's; the bot corrects for it.",
    "status.clock_ahead": "🕒 This server's clock is {seconds} s ahead of BTCTurk's; the bot corrects for it.",
    "status.interval": "Checking balances every {interval}",
    "status.alerts": "Alerts: {chat} in this chat ({all} in all)",
    "status.next_summary": "Next daily summary {when}",
    "status.pending": "Notifications waiting to be delivered: {count}",
    "interval.second": "second",
    "interval.seconds": "{n} s",
    "interval.minute": "minute",
    "interval.minutes": "{n} minutes",
    "interval.hour": "hour",
    "interval.hours": "{n} hours",
    # chart
    "chart.allocation": "Allocation by value ({quote})",
    "chart.no_value": "No holding has a value yet.",
    "chart.other": "other ({count})",
    "chart.history": "Total value, last {days} days",
    "chart.history_soon": "The line starts once two daily summaries\nare stored ({stored} so far).",
    # settings, language, mute
    "settings.title": "⚙️ <b>Settings of this chat</b>",
    "settings.language": "Language: {language} (/lang en · /lang tr)",
    "settings.quote": "Values in: {quote}",
    "settings.timezone": "Time zone: {zone}",
    "settings.summary": "Daily summary: {time}{chart}",
    "settings.summary_chart": ", with a chart",
    "settings.poll": "Balances checked every {interval}",
    "settings.orders": "Orders placed or cancelled: {state}",
    "settings.quiet": "Quiet hours: {hours}",
    "settings.quiet_none": "none",
    "settings.muted": "🔕 Muted until {when}",
    "settings.unmuted": "🔔 Not muted",
    "settings.on": "reported",
    "settings.off": "not reported",
    "lang.changed": "✅ Language: English.",
    "lang.usage": "Usage: /lang en · /lang tr",
    "language.name": "English",
    "mute.done": "🔕 Change alerts held until {when}. Urgent alerts still come through. /unmute to end it.",
    "mute.usage": "Usage: /mute [duration]   e.g. /mute 30m · /mute 2h · /mute 1d (at most 7 days)",
    "unmute.done": "🔔 Alerts are on again.",
    "unmute.released": "🔔 Alerts are on again; {count} held message(s) follow.",
    "unmute.not_muted": "Alerts were not muted.",
}
