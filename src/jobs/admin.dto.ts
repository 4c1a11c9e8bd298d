import { Matches } from 'class-validator';

export class QueueNameParam {
  @Matches(/^[\w.:-]{1,100}$/, { message: 'name must match [A-Za-z0-9_.:-]{1,100}' })
  name: string;
}
