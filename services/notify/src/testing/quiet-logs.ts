import { Logger } from '@nestjs/common';

// Unit tests assert behaviour, not log lines: keep Nest's default console logger quiet.
Logger.overrideLogger(false);
