// quickrail — a Rails-shaped framework for JavaScript (ES modules; QuickJS 2021 and Node 20).
// `import { ApplicationRecord, Controller, Application, Migration } from "quickrail"`.
export { Base, ApplicationRecord, RecordInvalid, RecordNotFound, Relation, CollectionProxy, abort, registry } from "./model/base.js";
export { Errors } from "./model/errors.js";
export { streamName, domId, turboStreamTag, toGlobalIdParam } from "./turbo.js";
export { connection, establishConnection, closeConnection, transaction, afterCommit, registerAdapter, databaseConfig } from "./db/connection.js";
export { sqliteAdapter } from "./db/sqlite_adapter.js";
export { Migration, Migrator } from "./migration.js";
export { Router, drawRoutes, RoutingError } from "./router.js";
export { Controller, Controller as ApplicationController, statusCode, InvalidAuthenticityToken } from "./controller.js";
export { Parameters, ParameterMissing } from "./params.js";
export { Application } from "./application.js";
export { loadApp, autoload, discover, loadModels, loadRoutes, findFile } from "./autoload.js";
export { Channel, Connection, Cable } from "./cable.js";
export { Views } from "./view/renderer.js";
export { compile as compileERB } from "./view/erb.js";
export { Jbuilder, jbuilderTemplate } from "./view/jbuilder.js";
export * as helpers from "./view/helpers.js";
export { SafeString, escapeHTML, raw, tag } from "./support/html.js";
export * as inflector from "./support/inflector.js";
