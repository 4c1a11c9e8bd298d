import 'reflect-metadata';
import { runService } from './bootstrap.js';

await runService();
