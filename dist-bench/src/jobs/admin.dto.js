var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
import { Matches } from 'class-validator';
export class QueueNameParam {
    name;
}
__decorate([
    Matches(/^[\w.:-]{1,100}$/, { message: 'name must match [A-Za-z0-9_.:-]{1,100}' }),
    __metadata("design:type", String)
], QueueNameParam.prototype, "name", void 0);
//# sourceMappingURL=admin.dto.js.map