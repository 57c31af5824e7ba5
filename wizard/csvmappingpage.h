// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "directory/csvmapping.h"
#include "directory/csvsource.h"
#include "pagecontroller.h"

#include <QPointer>
#include <QStringList>

#include <memory>

class QButtonGroup;
class QLabel;
class QListWidget;
class QPushButton;
class QTableWidget;

namespace M365::Directory {
class DirectoryJob;
}

namespace M365::Ui {

/*
 * CSV columns: which column of an HR export or spreadsheet becomes which directory attribute, which column is the key
 * (the anchor written to onPremisesImmutableId) and which columns a row must have. Shown only for a CSV file, after
 * the Directory page. The mapping lives in the context's CsvOptions, so that the Directory page's test and the profile
 * use the same one; a file without a mapping yet starts from CsvMapping::suggest().
 *
 * Next checks the mapping locally, then reads the whole file with it (a test job); when rows would be skipped the page
 * stays and lists the first ones, and Next again goes on.
 */
class CsvMappingPageController : public PageController
{
    Q_OBJECT

public:
    /// One column of the file, as the page lists it.
    struct Column
    {
        /// As in the file (trimmed); empty for a column without a name.
        QString header;
        /// Up to three values from the first rows.
        QStringList samples;
        /// False for a column without a name or with a header seen before: the reader ignores it.
        bool usable = true;
    };
    /// What the last test read with the current mapping.
    struct Results
    {
        int userCount = 0;
        int groupCount = 0;
        /// How many rows were skipped; problems holds the first MaxProblemsShown of them.
        int problemCount = 0;
        QStringList problems;
    };
    static constexpr int MaxProblemsShown = 5;

    using PageController::PageController;
    ~CsvMappingPageController() override;

    /// Reads the start of the file named in the profile's "directory" object; called whenever the page is shown.
    void initialize();
    QString path() const { return m_path; }
    /// The header of the file could be read: columns(), encodingName() and separator() are valid.
    bool hasPreview() const { return m_previewed; }
    const QList<Column> &columns() const { return m_columns; }
    QString encodingName() const { return m_encodingName; }
    char separator() const { return m_separator; }
    /// The file is not UTF-8 but readable as Windows-1252 once the admin confirms.
    bool needsEncodingConfirmation() const { return m_needsEncoding; }
    /// The admin confirmed Windows-1252: read the file so from now on.
    void readAsWindows1252();

    const Directory::CsvMapping &mapping() const;
    /// The attribute column @p column is mapped to; empty when ignored.
    QString attributeOf(int column) const;
    bool isKey(int column) const;
    bool isRequired(int column) const;
    void setAttribute(int column, const QString &attribute);
    void setKeyColumn(int column);
    void setRequired(int column, bool required);

    /// What is wrong with the mapping, in plain words; empty when Next may go on.
    QStringList problems() const;
    /// What the mapping lacks that the sync will miss, without blocking Next (no display name, for one).
    QStringList warnings() const;

    /// Reads the whole file with the current mapping and counts users, groups and skipped rows.
    void test();
    bool hasResults() const { return m_tested; }
    const Results &results() const { return m_results; }

    bool isInputComplete() const override;
    void validate() override;

    /// "First name (givenName)"; an attribute without a friendly name as it is; "(ignore)" for an empty one.
    static QString attributeLabel(const QString &attribute);
    /// The attribute an entry of the attribute box means: a label from attributeLabel(), or what the admin typed.
    static QString attributeFromText(const QString &text);
    /// What the attribute box offers, "(ignore)" (an empty attribute) first.
    static QStringList offeredAttributes();
    /// "semicolon (;)" and the like.
    static QString separatorName(char separator);
    /// A directory error as the wizard shows it. For a file that is not UTF-8 (DirectoryError::EncodingNotConfirmed) it
    /// is a question pointing at the "Read as Windows-1252" button, with the reader's own message in the details.
    static M365::Error wizardError(const QString &path, const M365::Error &error);

private:
    void loadPreview();
    void edited();
    void onTested(Directory::DirectoryJob *job);
    void saveToProfile();
    Directory::CsvMapping &editableMapping();
    bool isTestedWithCurrentOptions() const;

    QString m_path;
    QList<Column> m_columns;
    QString m_encodingName;
    char m_separator = ',';
    bool m_previewed = false;
    bool m_needsEncoding = false;
    Results m_results;
    bool m_tested = false;
    bool m_validating = false;
    Directory::CsvMapping m_testedMapping;
    Directory::TextEncoding m_testedEncoding = Directory::TextEncoding::Auto;
    std::unique_ptr<Directory::CsvSource> m_source;
    QPointer<Directory::DirectoryJob> m_job;
};

class CsvMappingPage : public ControllerPage
{
    Q_OBJECT

public:
    explicit CsvMappingPage(CsvMappingPageController *controller, QWidget *parent = nullptr);
    void initializePage() override;

protected:
    void refresh() override;

private:
    enum TableColumn { HeaderColumn, SamplesColumn, AttributeColumn, KeyColumn, RequiredColumn, ColumnCount };

    void fillTable();

    CsvMappingPageController *m_controller;
    QLabel *m_fileInfo;
    QPushButton *m_convertEncoding;
    QTableWidget *m_table;
    QButtonGroup *m_keyGroup;
    QLabel *m_keyHint;
    QLabel *m_warnings;
    QPushButton *m_test;
    QLabel *m_result;
    QListWidget *m_problems;
    QStringList m_shownHeaders;
    bool m_filling = false;
};

} // namespace M365::Ui
