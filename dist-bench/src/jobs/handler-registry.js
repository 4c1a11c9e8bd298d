var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
import { Injectable } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { JOB_HANDLER_METADATA, } from './job-handler.decorator.js';
let HandlerRegistry = class HandlerRegistry {
    discovery;
    scanner;
    reflector;
    handlers = new Map();
    constructor(discovery, scanner, reflector) {
        this.discovery = discovery;
        this.scanner = scanner;
        this.reflector = reflector;
    }
    onModuleInit() {
        for (const wrapper of this.discovery.getProviders()) {
            const instance = wrapper.instance;
            if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic())
                continue;
            const prototype = Object.getPrototypeOf(instance);
            for (const method of this.scanner.getAllMethodNames(prototype)) {
                const fn = prototype[method];
                if (typeof fn !== 'function')
                    continue;
                const meta = this.reflector.get(JOB_HANDLER_METADATA, fn);
                if (meta)
                    this.register(meta, fn.bind(instance), `${instance.constructor.name}.${method}`);
            }
        }
    }
    get(type) {
        return this.handlers.get(type);
    }
    all() {
        return [...this.handlers.values()];
    }
    register(meta, handle, name) {
        const existing = this.handlers.get(meta.type);
        if (existing) {
            throw new Error(`Job type "${meta.type}" has two handlers: ${existing.name} and ${name}`);
        }
        this.handlers.set(meta.type, { type: meta.type, options: meta.options, handle, name });
    }
};
HandlerRegistry = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [DiscoveryService,
        MetadataScanner,
        Reflector])
], HandlerRegistry);
export { HandlerRegistry };
//# sourceMappingURL=handler-registry.js.map