#!/usr/bin/env node
'use strict';
// berth-language-server --stdio: plain LSP over stdio for any editor.
require('../dist/server.js');
