// SPDX-FileCopyrightText: 2026 The m365sync authors
// SPDX-License-Identifier: GPL-3.0-or-later

// m365sim: the sandbox tenant as a process. Prints one line of JSON (how to reach it) and serves until stopped.

#include "sandboxserver.h"
#include "tenantplace.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QTextStream>

#include <csignal>
#include <cstdio>
#include <memory>

namespace {

// Stop cleanly on SIGINT/SIGTERM so that the state file is written before exit.
void onStopSignal(int)
{
    QMetaObject::invokeMethod(QCoreApplication::instance(), "quit", Qt::QueuedConnection);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("m365sim"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Sandbox Microsoft 365 tenant for m365sync: an emulator of the "
                                                    "identity platform and of the Microsoft Graph v1.0 surface."));
    parser.addHelpOption();
    const QCommandLineOption portOption(QStringLiteral("port"),
                                        QStringLiteral("Port on 127.0.0.1 (0: any free)."),
                                        QStringLiteral("port"),
                                        QStringLiteral("0"));
    const QCommandLineOption stateOption(
        QStringLiteral("state"), QStringLiteral("State file (kept across restarts)."), QStringLiteral("file"));
    const QCommandLineOption tlsOption(QStringLiteral("tls"),
                                       QStringLiteral("Serve HTTPS with a CA written next to the state file."));
    const QCommandLineOption scaleOption(
        QStringLiteral("time-scale"),
        QStringLiteral("Shrink throttling windows and token lifetimes by this factor."),
        QStringLiteral("factor"),
        QStringLiteral("1"));
    const QCommandLineOption seedOption(QStringLiteral("seed"),
                                        QStringLiteral("Seed a new tenant: 'demo' or 'empty'."),
                                        QStringLiteral("name"),
                                        QStringLiteral("demo"));
    parser.addOptions({portOption, stateOption, tlsOption, scaleOption, seedOption});
    parser.process(app);

    M365::Sandbox::SandboxServer::Options options;
    bool ok = false;
    options.port = parser.value(portOption).toUShort(&ok);
    if (!ok) {
        std::fprintf(stderr, "m365sim: --port must be a number from 0 to 65535\n");
        return 2;
    }
    options.timeScale = parser.value(scaleOption).toDouble(&ok);
    if (!ok || options.timeScale <= 0) {
        std::fprintf(stderr, "m365sim: --time-scale must be a positive number\n");
        return 2;
    }
    const QString seed = parser.value(seedOption);
    if (seed != QLatin1String("demo") && seed != QLatin1String("empty")) {
        std::fprintf(stderr, "m365sim: --seed must be 'demo' or 'empty'\n");
        return 2;
    }
    options.seedDemo = seed == QLatin1String("demo");
    options.statePath = parser.value(stateOption);
    options.tls = parser.isSet(tlsOption);

    // A state file is served by one program at a time (the GUI, the CLI or m365sim): its place holds the lock.
    std::shared_ptr<M365::Sandbox::TenantPlace> place;
    std::unique_ptr<M365::Sandbox::SandboxServer> inMemory;
    M365::Sandbox::SandboxServer *server = nullptr;
    QString error;
    if (!options.statePath.isEmpty()) {
        place = M365::Sandbox::TenantPlace::open(options, &error);
        server = place ? place->server() : nullptr;
    } else {
        inMemory = std::make_unique<M365::Sandbox::SandboxServer>();
        server = inMemory->start(options, &error) ? inMemory.get() : nullptr;
    }
    if (!server) {
        std::fprintf(stderr, "m365sim: %s\n", qPrintable(error));
        return 1;
    }
    // Exactly one line of JSON on stdout, before anything else: scripts read it to find the sandbox.
    QTextStream out(stdout);
    out << QJsonDocument(server->connectionInfo()).toJson(QJsonDocument::Compact) << '\n';
    out.flush();

    std::signal(SIGINT, onStopSignal);
    std::signal(SIGTERM, onStopSignal);
    const int code = app.exec();
    server->tenant()->save();
    return code;
}
