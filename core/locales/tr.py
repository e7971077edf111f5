"""Türkçe metinler. Yer tutucular Telegram HTML için kaçışlanmış değerlerle doldurulur."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    # /balance
    "balance.title": "💼 <b>Portföy: {total} {quote}</b>",
    "balance.empty": "💼 BTCTurk hesabınızda henüz varlık yok.",
    "balance.in_orders": "🔒 Emirlerde: {amounts}",
    "balance.free": "✅ Kullanılabilir: {amounts}",
    "balance.dust.one": "+ {limit} {quote} altında 1 küçük bakiye (toplam {worth} {quote})",
    "balance.dust.many": "+ {limit} {quote} altında {count} küçük bakiye (toplam {worth} {quote})",
    "balance.unpriced": "ℹ️ {assets} için {quote} fiyatı yok: toplama dahil değil.",
    "balance.updated": "Güncelleme {when}",
    "balance.refresh": "🔄 Yenile",
    "balance.refreshed": "Güncel",
    "asset.total": "Toplam: <b>{amount} {asset}</b>",
    "asset.free": "Kullanılabilir: {amount} {asset}",
    "asset.in_orders": "Emirlerde: {amount} {asset}",
    "asset.value": "Değer: {value} {quote} (1 {asset} = {price} {quote})",
    "asset.no_value": "Değer: BTCTurk'te {quote} fiyatı yok",
    "asset.not_held": "Şu anda hiç {asset} bakiyeniz yok.",
    "asset.unknown": "BTCTurk'te “{asset}” adında bir varlık yok.",
    "asset.you_hold": " Bakiyeleriniz: {assets}.",
    # exchange errors
    "error.stamp": "🕒 BTCTurk isteğin zaman damgasını reddetti: sunucunun saatini kontrol edin.",
    "error.auth": (
        "🔑 BTCTurk API anahtarını reddetti: anahtarın doğru olduğunu, okuma izni bulunduğunu "
        "ve bu sunucunun IP adresine izin verdiğini kontrol edin."
    ),
    "error.rate_limited": "⏳ BTCTurk botun yavaşlamasını istedi.",
    "error.unavailable": "⏳ BTCTurk yanıt vermiyor (bakım veya ağ sorunu).",
    "error.bad_response": "⚠️ BTCTurk'ten okunamayan bir yanıt geldi.",
    "error.try_later": "Birkaç dakika sonra tekrar deneyin.",
    "error.stale": "{when} tarihli veriler gösteriliyor.",
    "error.internal": "⚠️ Yanıt verirken bir sorun oluştu. Kaydedildi; lütfen tekrar deneyin.",
    "store.save_failed": (
        "⚠️ Bot bunu kaydedemedi: diski dolu ya da yazılamıyor. "
        "Hiçbir şey değişmedi; lütfen daha sonra tekrar deneyin."
    ),
    "backlog.slow_down": (
        "🐢 Aynı anda çok fazla komut geldi: bekleyenleri yanıtlıyorum, gerisini atlıyorum. "
        "Lütfen biraz sonra yeniden gönderin."
    ),
    # general
    "help.title": "👋 <b>BTCTurk bakiye botu</b>",
    "help.intro": (
        "BTCTurk bakiyeleriniz ve {quote} değerleri. Bir bakiye değiştiğinde, kurduğunuz bir "
        "alarm tetiklendiğinde haber veririm ve her sabah bir özet gönderirim."
    ),
    "help.examples": "Örnekler: /balance btc · /alert BTC below 5 · /alert total above 40000000",
    "usage": "Kullanım: {usage}   örn. {example}",
    "unknown_command": "Bunu bilmiyorum. /help yapabildiklerimi listeler.",
    "refusal": (
        "⛔ Bu bot özeldir.\n"
        "Sohbet kimliğiniz <code>{chat_id}</code>: sahibi bunu ALLOWED_CHAT_IDS listesine ekleyebilir."
    ),
    "refusal.short": "⛔ Bu bot özeldir.",
    # argument syntax of the commands (the command words stay the same in every language)
    "args.balance": "[VARLIK]",
    "args.alert": "<VARLIK|total> <above|below> <tutar> [urgent]",
    "args.unalert": "<no>",
    "args.mute": "[30m|2h|1d]",
    "args.lang": "<en|tr>",
    # command menu
    "command.balance": "Bakiyeler ve değerleri, ya da tek bir varlığın ayrıntısı",
    "command.summary": "Günlük özet, şimdi",
    "command.chart": "Portföyünüzün ve son 30 gününün grafiği",
    "command.alert": "Bir bakiye bir tutarı geçince haber ver",
    "command.alerts": "Alarmlarınız ve izledikleri değerler",
    "command.unalert": "Bir alarmı sil",
    "command.mute": "Değişim bildirimlerini bir süre beklet (varsayılan 1 saat)",
    "command.unmute": "Bildirimleri yeniden aç, bekleyenleri gönder",
    "command.settings": "Bu sohbetin ayarları",
    "command.lang": "Dil: en veya tr",
    "command.status": "BTCTurk yanıt veriyor mu, son kontrol ne zaman",
    "command.help": "Bot ne yapar, tüm komutlar",
    # change and threshold alerts
    "change.title": "🔔 <b>Bakiye değişti</b>",
    "change.orders_title": "🔒 <b>Emirler değişti</b>",
    "change.order_move": "🔒 Emirlerdeki {asset}: {old} → {new}",
    "change.portfolio": "Portföy: {total} {quote}",
    "threshold.rose": "⚠️ <b>Alarm #{id}: {subject} {limit} üzerine çıktı</b>",
    "threshold.fell": "⚠️ <b>Alarm #{id}: {subject} {limit} altına düştü</b>",
    "threshold.portfolio": "Portföyünüz",
    "threshold.now": "Şimdi {value}",
    "threshold.again_below": "{subject} yeniden {limit} altına indikten sonra tekrar tetiklenir.",
    "threshold.again_above": "{subject} yeniden {limit} üzerine çıktıktan sonra tekrar tetiklenir.",
    "threshold.the_portfolio": "portföy",
    "outage.down": (
        "⏳ {when} saatinden beri BTCTurk'e ulaşılamıyor. "
        "Yeniden yanıt verdiğinde değişim bildirimleri devam eder; hiçbir şey kaybolmaz."
    ),
    "outage.back": "✅ BTCTurk'e yeniden ulaşılıyor ({when} saatinden beri ulaşılamıyordu).",
    "digest.title": "🌙 <b>Bekletilen bildirimler ({count})</b>",
    # daily summary
    "summary.title": "📊 <b>Özet — {date}</b>",
    "summary.morning": "☀️ <b>Günaydın — {date}</b>",
    "summary.daily": "📊 <b>Günlük özet — {date}</b>",
    "summary.total": "Portföy: <b>{total} {quote}</b>",
    "summary.first": "Karşılaştırılacak önceki bir özet henüz yok.",
    "summary.since_yesterday": "Dünden bu yana: {change}",
    "summary.since_day": "{day} özetinden bu yana: {change}",
    "summary.new": "yeni",
    "summary.unpriced": "ℹ️ {assets} için {quote} fiyatı yok.",
    # alerts
    "alert.created": "✅ Alarm #{id} kuruldu: {alert}",
    "alert.urgent": "Acil: sessiz saatlerde ve sessize alınmışken de ulaşır.",
    "alert.now": "Şimdi: {value}",
    "alert.already_above": "Değer şu anda zaten bunun üzerinde; önce altına inip yeniden geçince tetiklenir.",
    "alert.already_below": "Değer şu anda zaten bunun altında; önce üzerine çıkıp yeniden geçince tetiklenir.",
    "alert.usage": "Kullanım: /alert &lt;VARLIK|total&gt; &lt;above|below&gt; &lt;tutar&gt; [urgent]   örn. /alert BTC below 5",
    "alert.problem.unknown_asset": "⚠️ BTCTurk'te “{text}” adında bir varlık yok.",
    "alert.problem.direction": "⚠️ “{text}” değil, above (üzerine) ya da below (altına) yazın.",
    "alert.problem.not_a_number": "⚠️ “{text}” bir sayı değil.",
    "alert.problem.negative": "⚠️ Tutar negatif olamaz.",
    "alert.problem.zero_below": "⚠️ Hiçbir şey sıfırın altına düşemez.",
    "alert.problem.too_large": "⚠️ Bu tutar çok büyük.",
    "alert.problem.too_precise": "⚠️ Ondalık ayırıcıdan sonra en fazla 16 basamak olabilir.",
    "alert.unknown_value": "bilinmiyor",
    "alerts.none": "Hiç alarmınız yok. /alert ile kurabilirsiniz, örn. /alert BTC below 5",
    "alerts.title": "🔔 <b>Alarmlarınız</b>",
    "alerts.row": "#{id} {alert} · şimdi {value}",
    "alerts.urgent_mark": " ⚡",
    "alerts.remove_hint": "Silmek için /unalert &lt;no&gt;",
    "alert.removed": "🗑 Alarm #{id} silindi.",
    "alert.not_found": "#{id} numaralı bir alarmınız yok. /alerts alarmlarınızı listeler.",
    "unalert.usage": "Kullanım: /unalert &lt;no&gt;   örn. /unalert 3 (numaralar için /alerts)",
    "direction.above": "üzerinde",
    "direction.below": "altında",
    # status
    "status.title": "🩺 <b>Durum</b>",
    "status.ok": "✅ BTCTurk yanıt veriyor",
    "status.down": "⏳ BTCTurk yanıt vermiyor",
    "status.last_read": "Bakiyeler en son {when} okundu",
    "status.latency": ", {duration} sürdü",
    "status.never_read": "Henüz bakiye okunmadı",
    "status.clock_behind": "🕒 Bu sunucunun saati BTCTurk'ünkinden {seconds} sn geride; bot bunu düzeltiyor.",
    "status.clock_ahead": "🕒 Bu sunucunun saati BTCTurk'ünkinden {seconds} sn ileride; bot bunu düzeltiyor.",
    "status.interval": "Bakiyeler her {interval} kontrol ediliyor",
    "status.alerts": "Alarmlar: bu sohbette {chat} (toplam {all})",
    "status.next_summary": "Sonraki günlük özet {when}",
    "status.pending": "Gönderilmeyi bekleyen bildirim: {count}",
    "interval.second": "saniye",
    "interval.seconds": "{n} saniyede bir",
    "interval.minute": "dakika",
    "interval.minutes": "{n} dakikada bir",
    "interval.hour": "saat",
    "interval.hours": "{n} saatte bir",
    # chart
    "chart.allocation": "Değere göre dağılım ({quote})",
    "chart.no_value": "Henüz değeri olan bir varlık yok.",
    "chart.other": "diğer ({count})",
    "chart.history": "Toplam değer, son {days} gün",
    "chart.history_soon": "Çizgi, iki günlük özet kaydedildikten sonra\nbaşlar (şimdiye kadar {stored}).",
    # settings, language, mute
    "settings.title": "⚙️ <b>Bu sohbetin ayarları</b>",
    "settings.language": "Dil: {language} (/lang en · /lang tr)",
    "settings.quote": "Değer birimi: {quote}",
    "settings.timezone": "Saat dilimi: {zone}",
    "settings.summary": "Günlük özet: {time}{chart}",
    "settings.summary_chart": ", grafikli",
    "settings.poll": "Bakiyeler her {interval} kontrol ediliyor",
    "settings.orders": "Verilen veya iptal edilen emirler: {state}",
    "settings.quiet": "Sessiz saatler: {hours}",
    "settings.quiet_none": "yok",
    "settings.muted": "🔕 {when} saatine kadar sessizde",
    "settings.unmuted": "🔔 Sessizde değil",
    "settings.on": "bildirilir",
    "settings.off": "bildirilmez",
    "lang.changed": "✅ Dil: Türkçe.",
    "lang.usage": "Kullanım: /lang en · /lang tr",
    "language.name": "Türkçe",
    "mute.done": "🔕 Değişim bildirimleri {when} saatine kadar bekletilecek. Acil alarmlar yine gelir. Bitirmek için /unmute.",
    "mute.usage": "Kullanım: /mute [süre]   örn. /mute 30m · /mute 2h · /mute 1d (en fazla 7 gün)",
    "unmute.done": "🔔 Bildirimler yeniden açık.",
    "unmute.released": "🔔 Bildirimler yeniden açık; bekletilen {count} mesaj geliyor.",
    "unmute.not_muted": "Bildirimler sessizde değildi.",
}
