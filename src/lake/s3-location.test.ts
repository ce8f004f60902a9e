import { describe, expect, it } from 'vitest';
import { InvalidS3LocationError, parseS3Location } from './s3-location.ts';

describe('parseS3Location', () => {
  it('reads the bucket and a prefix that ends in /', () => {
    expect(parseS3Location('s3://my-lake')).toEqual({ bucket: 'my-lake', prefix: '' });
    expect(parseS3Location('s3://my-lake/')).toEqual({ bucket: 'my-lake', prefix: '' });
    expect(parseS3Location('s3://my.lake-1/gadget/sales')).toEqual({
      bucket: 'my.lake-1',
      prefix: 'gadget/sales/',
    });
    expect(parseS3Location('s3://my-lake/gadget/')).toEqual({ bucket: 'my-lake', prefix: 'gadget/' });
  });

  it.each([
    ['./lake', 'does not start with s3://'],
    ['https://my-lake/x', 'does not start with s3://'],
    ['s3://', '"" is not a bucket name'],
    ['s3://My_Lake/x', '"My_Lake" is not a bucket name'],
    ['s3://ab/x', '"ab" is not a bucket name'],
    ['s3://a..b/x', '"a..b" is not a bucket name'],
    ['s3://my-lake//x', "starts with '/'"],
    ['s3://my-lake/x//y', 'empty segment'],
    ['s3://my-lake/.hidden/', "starts with '.'"],
  ])('refuses %s, naming the rule it breaks', (value, reason) => {
    expect(() => parseS3Location(value)).toThrow(InvalidS3LocationError);
    expect(() => parseS3Location(value)).toThrow(reason);
  });
});
