import Foundation
import PanoramaCore
import PanoramaTestSupport

/// Hand-written deliveries for October 2026 with one row for every rule of SPEC §2 (line numbers in comments).
enum HandFixture {
    static let customers = """
    customer_id,msisdn,city,county,brand,vip_level,gender,birth_date,join_date,status,churn_date
    C1,13800138000,北京,朝阳,gotone,gold,M,1980-05-06,2010-01-01,active,
    C2,+86 138-0013-8001,石家庄,,全球通,钻石卡,男,1990/1/2,2015年3月4日,在网,
    C3,008613800138002,保定,, MZone ,普通,女,19950203,20200101,churned,2026-10-03
    C4,8613800138003,唐山,,easyown,,X,1990-13-01,2020-01-01,active,
    ,13800138004,廊坊,,gotone,gold,M,1980-05-06,2010-01-01,active,
    C5,12345,廊坊,,gotone,gold,M,1980-05-06,2010-01-01,active,
    C6,13800138005,,,gotone,gold,M,1980-05-06,2010-01-01,active,
    C7,13800138006,廊坊,,unicom,gold,M,1980-05-06,2010-01-01,active,
    C8,13800138007,廊坊,,gotone,gold,M,1980-05-06,2026-11-01,active,
    C9,13800138008,廊坊,,gotone,gold,M,1980-05-06,2010-01-01,churned,
    C10,13800138009,廊坊,,gotone,gold,M,1980-05-06,2010-01-01,active,2009-12-31
    C1,13800138010,廊坊,,gotone,gold,M,1980-05-06,2010-01-01,active,
    C11,1,2
    C12,13800138012,廊坊,,gotone,platinum,M,1980-05-06,2010-01-01,active,
    C13,13800138013,廊坊,,gotone,gold,M,1980-05-06,2026-02-30,active,
    C14,13800138014,沧州,"新华区
    (东)",easyown,silver,F,,2026-10-31,active,

    C15,１３８００１３８０１５,邯郸,\u{3000}丛台\u{3000},EASYOWN,NONE,f,,2026/10/1,active,2027-01-01

    """
    // Lines: C1=2 C2=3 C3=4 C4=5 (missing id)=6 C5=7 C6=8 C7=9 C8=10 C9=11 C10=12 dup C1=13 C11=14
    // C12=15 C13=16 C14=17-18 blank=19 C15=20 (churn_date after M: BAD_DATE).

    static let usage = """
    month,customer_id,arpu,mou,data_gb,call_forward_ratio,offnet_ratio,points_balance,remark
    2026-10,C1,"¥1,234.50",300,2.5,0,0.1,500,"note, with comma"
    202610,C2,123.45元,12.0,1.5,35%,0.2,100,
    2026年10月,C3,0,,,,,,
    2026-09,C4,10,,,,,,
    2026-13,C4,10,,,,,,
    2026-10,C4,,,,,,,
    2026-10,C4,12a,,,,,,
    2026-10,C4,-5,,,,,,
    2026-10,C4,10,12.5,,,,,
    2026-10,C4,10,,,,35,,
    2026-10,C4,10,,,120%,,,
    2026-10,C4,10,,35%,,,,
    2026-10,C5,10,,,,,,
    2026/10,C4,88.8,,,,,,
    2026-10,C4,99,,,,,,
    2026-10,C4,10,,,,,-1,
    """
    // Lines: C1=2 C2=3 C3=4 WRONG_MONTH=5 BAD_DATE=6 MISSING=7 BAD_NUMBER=8 OUT_OF_RANGE=9 BAD_NUMBER(mou)=10
    // OUT_OF_RANGE(offnet 35)=11 OUT_OF_RANGE(120%)=12 BAD_NUMBER(% outside ratio)=13 UNKNOWN=14 clean C4=15
    // DUPLICATE=16 OUT_OF_RANGE(points)=17 (checked before the duplicate).

    static let surveys = """
    survey_id,customer_id,survey_date,channel,touchpoint,nps,overall_sat,network,hall,hotline,billing,new_business,promotion,communication
    S1,C1,2026-10-05,sms,hall_visit,9,8,9,8,7,6,5,4,3
    S2,C2,2026/10/6,APP,,10,99,N/A,不知道,NA,,10,1,2
    S3,C3,2026-10-07,phone,,99,8,9,8,7,6,5,4,3
    S4,C3,2026-10-07,phone,,,8,9,8,7,6,5,4,3
    S5,C3,2026-10-07,phone,,7.5,8,9,8,7,6,5,4,3
    S6,C3,2026-10-07,phone,,11,8,9,8,7,6,5,4,3
    S7,C3,2026-10-07,phone,,7,8,0,8,7,6,5,4,3
    S8,C3,2026-10-07,phone,,7,8,9,abc,7,6,5,4,3
    S9,C3,2026-09-30,phone,,7,8,9,8,7,6,5,4,3
    S10,C3,2026-10-32,phone,,7,8,9,8,7,6,5,4,3
    S11,C3,2026-10-07,email,,7,8,9,8,7,6,5,4,3
    S12,C3,2026-10-07,phone,foo,7,8,9,8,7,6,5,4,3
    S13,C999,2026-10-07,phone,,7,8,9,8,7,6,5,4,3
    S1,C3,2026-10-07,营业厅,,7,8,9,8,7,6,5,4,3
    S14,C3,2026-10-07,phone,,ab"c,8,9,8,7,6,5,4,3
    S15,C3,2026年10月8日,手机营业厅,network,８.0,8,9,8,7,6,5,4,3
    """
    // Lines: S1=2 S2=3 MISSING(99)=4 MISSING(empty)=5 BAD_NUMBER=6 OUT_OF_RANGE=7 OUT_OF_RANGE(network 0)=8
    // BAD_NUMBER(hall)=9 WRONG_MONTH=10 BAD_DATE=11 BAD_ENUM=12 BAD_ENUM(touchpoint)=13 UNKNOWN=14 DUPLICATE=15
    // MALFORMED=16 S15 clean=17.

    static let complaints = "complaint_id,customer_id,opened_at,category,closed_at,escalated\r\n" + """
    K1,C1,2026-10-05 08:30,网络,2026-10-06 08:30:00,是
    K2,C2,2026/10/05T09:00,billing,,
    K3,C3,20261031 23:59:59,SERVICE,2026-11-02 10:00,no
    K4,C1,2026-11-01 00:00,network,,
    K5,C1,yesterday,network,,
    K6,C1,2026-10-05,weather,,
    K7,C1,2026-10-05 08:30,network,2026-10-05 08:29,
    K8,C1,2026-10-05 08:30,network,,maybe
    K9,C404,2026-10-05 08:30,network,,
    K1,C1,2026-10-05 08:30,network,,
    K10,C1,,network,,
    K11,C1
    """.replacingOccurrences(of: "\n", with: "\r\n")
    // Lines: K1=2 K2=3 K3=4 WRONG_MONTH=5 BAD_DATE=6 BAD_ENUM=7 BAD_DATE(closed)=8 BAD_ENUM(escalated)=9
    // UNKNOWN=10 DUPLICATE=11 MISSING=12 MALFORMED=13.

    static func write(to dir: TempDir, month: String = "2026-10") {
        dir.write("\(month)/customers.csv", customers)
        dir.write("\(month)/usage.csv", usage)
        dir.write("\(month)/surveys.csv", surveys)
        dir.write("\(month)/complaints.csv", complaints)
    }
}
