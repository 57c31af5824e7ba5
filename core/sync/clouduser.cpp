// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "clouduser.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QReadWriteLock>

#include <algorithm>

namespace M365::Sync {

namespace {

/// Property names → ids, for all CloudUsers of the process. Graph returns only the selected properties, so this
/// stays at a few dozen names.
class PropertyNames
{
public:
    PropertyNames()
    {
        for (const char *name : {"userPrincipalName",
                                 "mail",
                                 "onPremisesImmutableId",
                                 "displayName",
                                 "accountEnabled",
                                 "usageLocation",
                                 "assignedLicenses"}) {
            intern(QString::fromLatin1(name));
        }
    }

    qint64 find(const QString &name) const
    {
        QReadLocker locker(&m_lock);
        const auto it = m_ids.constFind(name);
        return it == m_ids.constEnd() ? -1 : qint64(*it);
    }

    quint32 intern(const QString &name)
    {
        {
            QReadLocker locker(&m_lock);
            const auto it = m_ids.constFind(name);
            if (it != m_ids.constEnd()) {
                return *it;
            }
        }
        QWriteLocker locker(&m_lock);
        const auto it = m_ids.constFind(name);
        if (it != m_ids.constEnd()) {
            return *it;
        }
        const quint32 id = quint32(m_names.size());
        // A Graph user has a few hundred properties at most; the ids above are reserved.
        Q_ASSERT(id < 0xFFFFFF);
        m_names.append(name);
        m_ids.insert(name, id);
        return id;
    }

    /// The names of @p ids, under one lock.
    QStringList names(const QVarLengthArray<quint32, 32> &ids) const
    {
        QStringList out;
        out.reserve(ids.size());
        QReadLocker locker(&m_lock);
        for (quint32 id : ids) {
            out.append(m_names.at(id));
        }
        return out;
    }

private:
    mutable QReadWriteLock m_lock;
    QHash<QString, quint32> m_ids;
    QStringList m_names;
};

PropertyNames &propertyNames()
{
    static PropertyNames names;
    return names;
}

const QLatin1String idKey("id");

QString compactJson(const QJsonValue &v)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact));
}

/// Appends @p s as Qt's JSON writer writes it (UTF-8), when the writer would not escape anything in it.
bool appendPlain(QByteArray *out, QStringView s)
{
    for (const QChar c : s) {
        const char16_t u = c.unicode();
        if (u < 0x20 || u == u'"' || u == u'\\' || c.isSurrogate()) {
            return false;
        }
    }
    out->append(s.toUtf8());
    return true;
}

} // namespace

CloudUser::CloudUser(const QJsonObject &graphUser)
{
    PropertyNames &names = propertyNames();
    QVarLengthArray<Entry, 32> heads;
    QVarLengthArray<Entry, 16> items; // offsets relative to the first item until the end
    QString text;
    // Equal strings (a UPN that is also the mail, an SKU id inside assignedLicenses) are stored once.
    auto add = [&](QStringView s) -> Entry {
        const QStringView stored(text);
        for (const Entry &e : std::as_const(heads)) {
            if (e.type == quint32(Type::String) && e.size == quint32(s.size()) && stored.mid(e.offset, e.size) == s) {
                return e;
            }
        }
        for (const Entry &e : std::as_const(items)) {
            if (e.size == quint32(s.size()) && stored.mid(e.offset, e.size) == s) {
                return e;
            }
        }
        Entry e{0, quint32(Type::String), quint32(text.size()), quint32(s.size())};
        text.append(s);
        return e;
    };
    QJsonArray licences;
    QJsonArray licenceStates;
    for (auto it = graphUser.constBegin(); it != graphUser.constEnd(); ++it) {
        const QString key = it.key();
        const QJsonValue v = it.value();
        if (v.isString() && key == idKey) {
            m_id = v.toString();
            m_hasId = true;
            continue;
        }
        Entry e{names.intern(key), quint32(Type::Null), 0, 0};
        switch (v.type()) {
        case QJsonValue::Null:
        case QJsonValue::Undefined:
            break;
        case QJsonValue::Bool:
            e.type = quint32(v.toBool() ? Type::True : Type::False);
            break;
        case QJsonValue::String: {
            const Entry s = add(v.toString());
            e.offset = s.offset;
            e.size = s.size;
            e.type = quint32(Type::String);
            break;
        }
        case QJsonValue::Array: {
            const QJsonArray array = v.toArray();
            const bool strings = std::all_of(array.begin(), array.end(), [](const QJsonValue &item) {
                return item.isString();
            });
            if (strings) {
                e.type = quint32(Type::Strings);
                e.offset = quint32(items.size());
                e.size = quint32(array.size());
                for (const QJsonValue &item : array) {
                    items.append(add(item.toString()));
                }
            } else {
                if (e.property == AssignedLicensesId) {
                    licences = array;
                } else if (key == QLatin1String("licenseAssignmentStates")) {
                    licenceStates = array;
                    m_hasLicenceStates = true;
                }
                e.type = quint32(Type::Json);
                e.offset = quint32(text.size());
                text.append(compactJson(v));
                e.size = quint32(text.size()) - e.offset;
            }
            break;
        }
        case QJsonValue::Double:
        case QJsonValue::Object:
            e.type = quint32(Type::Json);
            e.offset = quint32(text.size());
            text.append(compactJson(v));
            e.size = quint32(text.size()) - e.offset;
            break;
        }
        heads.append(e);
    }
    m_propertyCount = quint32(heads.size());
    // The SKU ids, as assignedSkuIds() hands them out, found once here rather than on every plan.
    Entry skus{SkuIdsId, quint32(Type::Strings), quint32(items.size()), 0};
    for (const QJsonValue &licence : std::as_const(licences)) {
        const QString sku = licence.toObject().value(QLatin1String("skuId")).toString();
        if (!sku.isEmpty()) {
            const qsizetype at = QStringView(text).indexOf(sku);
            items.append(at < 0 ? add(sku) : Entry{0, quint32(Type::String), quint32(at), quint32(sku.size())});
            ++skus.size;
        }
    }
    if (skus.size > 0) {
        heads.append(skus);
    }
    if (m_hasLicenceStates) {
        Entry direct{DirectSkuIdsId, quint32(Type::Strings), quint32(items.size()), 0};
        QVarLengthArray<Entry, 4> inherited;
        for (const QJsonValue &state : std::as_const(licenceStates)) {
            const QJsonObject o = state.toObject();
            const QString sku = o.value(QLatin1String("skuId")).toString();
            if (sku.isEmpty()) {
                continue;
            }
            const QString group = o.value(QLatin1String("assignedByGroup")).toString();
            if (group.isEmpty()) {
                items.append(add(sku));
                ++direct.size;
            } else if (o.value(QLatin1String("state")).toString() != QLatin1String("Error")) {
                inherited.append(add(sku));
            }
        }
        heads.append(direct);
        Entry byGroup{InheritedSkuIdsId, quint32(Type::Strings), quint32(items.size()), quint32(inherited.size())};
        for (const Entry &e : std::as_const(inherited)) {
            items.append(e);
        }
        heads.append(byGroup);
    } else if (licenceStates.isEmpty() && graphUser.contains(QLatin1String("licenseAssignmentStates"))) {
        m_hasLicenceStates = true; // read, and empty: nothing is assigned either way
    }
    m_headCount = quint32(heads.size());
    m_entries.reserve(heads.size() + items.size());
    for (Entry e : std::as_const(heads)) {
        if (e.type == quint32(Type::Strings)) {
            e.offset += m_headCount;
        }
        m_entries.append(e);
    }
    for (const Entry &e : std::as_const(items)) {
        m_entries.append(e);
    }
    text.squeeze();
    m_text = text;
    m_upnHash = foldedHash(userPrincipalName());
    m_immutableIdHash = qHash(onPremisesImmutableId());
}

size_t CloudUser::foldedHash(QStringView text)
{
    // The usual UPN or address is ASCII: fold it on the stack instead of allocating a folded copy.
    QVarLengthArray<char16_t, 128> folded(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text.at(i).unicode();
        if (c >= 0x80) {
            const QString full = text.toString().toCaseFolded();
            return qHash(QStringView(full));
        }
        folded[i] = (c >= u'A' && c <= u'Z') ? char16_t(c + 32) : c;
    }
    return qHash(QStringView(folded.constData(), folded.size()));
}

bool CloudUser::accountEnabled(bool defaultValue) const
{
    const Entry *e = find(AccountEnabledId);
    if (!e || (e->type != quint32(Type::True) && e->type != quint32(Type::False))) {
        return defaultValue;
    }
    return e->type == quint32(Type::True);
}

CloudUser::Views CloudUser::viewsOf(quint32 property) const
{
    Views out;
    const Entry *e = find(property);
    if (e) {
        for (quint32 i = 0; i < e->size; ++i) {
            out.append(slice(m_entries.at(e->offset + i)));
        }
    }
    return out;
}

CloudUser::Views CloudUser::assignedSkuIds() const
{
    return viewsOf(SkuIdsId);
}

CloudUser::Views CloudUser::directSkuIds() const
{
    return m_hasLicenceStates ? viewsOf(DirectSkuIdsId) : viewsOf(SkuIdsId);
}

CloudUser::Views CloudUser::inheritedSkuIds() const
{
    return viewsOf(InheritedSkuIdsId);
}

bool CloudUser::contains(const QString &property) const
{
    if (m_hasId && property == idKey) {
        return true;
    }
    const qint64 id = propertyId(property);
    return id >= 0 && id != SkuIdsId && find(quint32(id));
}

QJsonValue CloudUser::value(const QString &property) const
{
    if (m_hasId && property == idKey) {
        return m_id;
    }
    const qint64 id = propertyId(property);
    const Entry *e = id >= 0 && id != SkuIdsId ? find(quint32(id)) : nullptr;
    return e ? toValue(*e) : QJsonValue(QJsonValue::Undefined);
}

QJsonValue CloudUser::valueAt(qsizetype i) const
{
    return toValue(m_entries.at(i));
}

QJsonObject CloudUser::toJson() const
{
    QVarLengthArray<quint32, 32> ids;
    for (quint32 i = 0; i < m_propertyCount; ++i) {
        ids.append(m_entries.at(i).property);
    }
    const QStringList keys = propertyNames().names(ids);
    QJsonObject out;
    if (m_hasId) {
        out.insert(idKey, m_id);
    }
    for (quint32 i = 0; i < m_propertyCount; ++i) {
        out.insert(keys.at(i), toValue(m_entries.at(i)));
    }
    return out;
}

QJsonObject CloudUser::toJson(const QStringList &properties) const
{
    QJsonObject out;
    for (const QString &p : properties) {
        const QJsonValue v = value(p);
        if (!v.isUndefined()) {
            out.insert(p, v);
        }
    }
    return out;
}

bool CloudUser::writeCompactJson(const QStringList &properties, QByteArray *out) const
{
    out->append('{');
    bool first = true;
    for (const QString &p : properties) {
        const bool isId = m_hasId && p == idKey;
        const qint64 id = isId ? -1 : propertyId(p);
        const Entry *e = id >= 0 ? find(quint32(id)) : nullptr;
        if (!isId && !e) {
            continue;
        }
        if (!first) {
            out->append(',');
        }
        first = false;
        out->append('"');
        if (!appendPlain(out, p)) {
            return false;
        }
        out->append("\":", 2);
        if (isId) {
            out->append('"');
            if (!appendPlain(out, m_id)) {
                return false;
            }
            out->append('"');
            continue;
        }
        switch (Type(e->type)) {
        case Type::Null:
            out->append("null", 4);
            break;
        case Type::False:
            out->append("false", 5);
            break;
        case Type::True:
            out->append("true", 4);
            break;
        case Type::String:
            out->append('"');
            if (!appendPlain(out, slice(*e))) {
                return false;
            }
            out->append('"');
            break;
        case Type::Strings:
            out->append('[');
            for (quint32 i = 0; i < e->size; ++i) {
                if (i > 0) {
                    out->append(',');
                }
                out->append('"');
                if (!appendPlain(out, slice(m_entries.at(e->offset + i)))) {
                    return false;
                }
                out->append('"');
            }
            out->append(']');
            break;
        case Type::Json:
            // Kept as the writer's own output of [value]: the value is what is inside the brackets.
            out->append(slice(*e).mid(1, e->size - 2).toUtf8());
            break;
        }
    }
    out->append('}');
    return true;
}

qint64 CloudUser::propertyId(const QString &name)
{
    const qint64 id = propertyNames().find(name);
    return id == SkuIdsId ? -1 : id;
}

const CloudUser::Entry *CloudUser::find(quint32 property) const
{
    for (quint32 i = 0; i < m_headCount; ++i) {
        if (m_entries.at(i).property == property) {
            return &m_entries.at(i);
        }
    }
    return nullptr;
}

QStringView CloudUser::textOf(quint32 property) const
{
    const Entry *e = find(property);
    return e && e->type == quint32(Type::String) ? slice(*e) : QStringView();
}

QJsonValue CloudUser::toValue(const Entry &e) const
{
    switch (Type(e.type)) {
    case Type::Null:
        return QJsonValue(QJsonValue::Null);
    case Type::False:
        return false;
    case Type::True:
        return true;
    case Type::String:
        return slice(e).toString();
    case Type::Strings: {
        QJsonArray array;
        for (quint32 i = 0; i < e.size; ++i) {
            array.append(slice(m_entries.at(e.offset + i)).toString());
        }
        return array;
    }
    case Type::Json:
        return QJsonDocument::fromJson(slice(e).toUtf8()).array().at(0);
    }
    return QJsonValue(QJsonValue::Undefined);
}

} // namespace M365::Sync
