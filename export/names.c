/* names.c - jurisdiction codes (GB/T 2260) and names. */
#include "export.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *code, *name, *full, *pinyin;
} J[] = {
	{"00", "国家", "国家", "National"}, {"11", "北京", "北京市", "Beijing"}, {"12", "天津", "天津市", "Tianjin"},
	{"13", "河北", "河北省", "Hebei"}, {"14", "山西", "山西省", "Shanxi"}, {"15", "内蒙古", "内蒙古自治区", "Inner Mongolia"},
	{"21", "辽宁", "辽宁省", "Liaoning"}, {"22", "吉林", "吉林省", "Jilin"}, {"23", "黑龙江", "黑龙江省", "Heilongjiang"},
	{"31", "上海", "上海市", "Shanghai"}, {"32", "江苏", "江苏省", "Jiangsu"}, {"33", "浙江", "浙江省", "Zhejiang"},
	{"34", "安徽", "安徽省", "Anhui"}, {"35", "福建", "福建省", "Fujian"}, {"36", "江西", "江西省", "Jiangxi"},
	{"37", "山东", "山东省", "Shandong"}, {"41", "河南", "河南省", "Henan"}, {"42", "湖北", "湖北省", "Hubei"},
	{"43", "湖南", "湖南省", "Hunan"}, {"44", "广东", "广东省", "Guangdong"}, {"45", "广西", "广西壮族自治区", "Guangxi"},
	{"46", "海南", "海南省", "Hainan"}, {"50", "重庆", "重庆市", "Chongqing"}, {"51", "四川", "四川省", "Sichuan"},
	{"52", "贵州", "贵州省", "Guizhou"}, {"53", "云南", "云南省", "Yunnan"}, {"54", "西藏", "西藏自治区", "Tibet"},
	{"61", "陕西", "陕西省", "Shaanxi"}, {"62", "甘肃", "甘肃省", "Gansu"}, {"63", "青海", "青海省", "Qinghai"},
	{"64", "宁夏", "宁夏回族自治区", "Ningxia"}, {"65", "新疆", "新疆维吾尔自治区", "Xinjiang"},
};
#define NJ (sizeof J / sizeof J[0])

const char *const ZC_JURISDICTIONS[] = {"00", "11", "12", "13", "14", "15", "21", "22", "23", "31", "32",
					"33", "34", "35", "36", "37", "41", "42", "43", "44", "45", "46",
					"50", "51", "52", "53", "54", "61", "62", "63", "64", "65", NULL};

const char *zc_province_name(const char *code)
{
	for (size_t i = 0; i < NJ; i++)
		if (!strcmp(J[i].code, code))
			return J[i].name;
	return NULL;
}

const char *zc_province_pinyin(const char *code)
{
	for (size_t i = 0; i < NJ; i++)
		if (!strcmp(J[i].code, code))
			return J[i].pinyin;
	return NULL;
}

const char *zc_province_code(const char *name)
{
	for (size_t i = 0; i < NJ; i++)
		if (!strcmp(J[i].code, name) || !strcmp(J[i].name, name) || !strcmp(J[i].full, name) ||
		    !strcasecmp(J[i].pinyin, name))
			return J[i].code;
	if (!strcasecmp(name, "Xizang"))
		return "54";
	if (!strcasecmp(name, "Neimenggu") || !strcasecmp(name, "Nei Mongol"))
		return "15";
	return NULL;
}

/* the reference study's regions (docs/DESIGN.md) */
static const struct {
	const char *name, *label, *codes;
} R[ZC_NREGIONS] = {
	{"east", "东部", "11,12,13,31,32,33,35,37,44,46"},
	{"centre", "中部", "14,34,36,41,42,43"},
	{"west", "西部", "15,45,50,51,52,53,54,61,62,63,64,65"},
	{"north-east", "东北", "21,22,23"},
};

int zc_province_region(const char *code)
{
	if (!code || strlen(code) != 2)
		return -1;
	for (int r = 0; r < ZC_NREGIONS; r++)
		for (const char *p = R[r].codes; *p; p += p[2] ? 3 : 2)
			if (!strncmp(p, code, 2))
				return r;
	return -1;
}

const char *zc_region_name(int r)
{
	return r >= 0 && r < ZC_NREGIONS ? R[r].name : NULL;
}

const char *zc_region_label(int r)
{
	return r >= 0 && r < ZC_NREGIONS ? R[r].label : NULL;
}

int zc_region_parse(const char *s)
{
	for (int r = 0; r < ZC_NREGIONS; r++)
		if (!strcasecmp(s, R[r].name) || !strcmp(s, R[r].label))
			return r;
	return -1;
}
